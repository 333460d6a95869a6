"""The recurrent cells an application may be built with, by name."""

from zoo import layers

CELLS = {
    "GRU": layers.GRUCell,
    "LSTM": layers.LSTMCell,
    "SimpleRNN": layers.SimpleRNNCell,
    "IMG": layers.IMGCell,
    "PMU": layers.PMUCell,
    "Leaky": layers.LeakyCell,
}


def cell_class(cell):
    """The zoo cell class named `cell` (ValueError naming `cell` otherwise)."""
    if not isinstance(cell, str) or cell not in CELLS:
        raise ValueError(f"`cell` must be one of {sorted(CELLS)}; received cell={cell!r}.")
    return CELLS[cell]
