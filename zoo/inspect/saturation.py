"""Gate saturation statistics (Karpathy, Johnson and Fei-Fei 2015, section
4.2 and Figure 3): how often each gate unit is nearly closed or nearly open.

A gate unit is left-saturated at a step when its activation is below `low`
(0.1 in the paper) and right-saturated when it is above `high` (0.9). The
fraction of steps spent in each regime, per unit, places every unit on a
triangle: units near the top-left are almost always open (an LSTM forget
gate there is an integrator that remembers), units on the diagonal switch
between the two, units at the origin are never saturated (they work in the
gate's linear range).
"""

import dataclasses

import numpy as np

from zoo import validation as v
from zoo.inspect.record import Record


@dataclasses.dataclass
class Saturation:
    """Per-unit saturation fractions of each gate.

    Attributes:
        left: dict gate name -> array (units,), the fraction of steps with
            activation < `low`.
        right: dict gate name -> array (units,), the fraction with activation
            > `high`.
        low, high: the thresholds used.
        steps: the number of (sequence, step) pairs each fraction is over.
    """

    left: dict
    right: dict
    low: float
    high: float
    steps: int

    @property
    def gates(self):
        """The gate names, in recording order."""
        return list(self.left)

    def summary(self):
        """Mean over units of each fraction, by gate: {gate: (left, right)}."""
        return {g: (float(self.left[g].mean()), float(self.right[g].mean())) for g in self.left}


def _arrays(record_or_arrays, gates):
    if isinstance(record_or_arrays, Record):
        available = record_or_arrays.arrays()
        default = list(record_or_arrays.gates)
    elif isinstance(record_or_arrays, dict):
        available = dict(record_or_arrays)
        default = list(available)
    else:
        raise TypeError(
            "`record` must be a zoo.inspect.Record or a dict of arrays (batch, time, units); "
            f"received record={record_or_arrays!r}."
        )
    if gates is None:
        gates = default
    elif isinstance(gates, str):
        gates = [gates]
    gates = list(gates)
    if not gates:
        raise ValueError(
            "`gates` is empty: this record has no gates (SimpleRNN, Jordan, Leaky and echo state "
            f"cells have none); pass names among {sorted(available)}; received gates={gates!r}."
        )
    unknown = [g for g in gates if g not in available]
    if unknown:
        raise ValueError(f"`gates` must be among {sorted(available)}; received gates={gates!r}.")
    arrays = {}
    for g in gates:
        a = np.asarray(available[g], dtype="float64")
        if a.ndim < 2 or a.size == 0:
            raise ValueError(f"Gate {g!r} must be an array (..., units); received shape {a.shape}.")
        arrays[g] = a.reshape(-1, a.shape[-1])
    return arrays


def saturation(record, low=0.1, high=0.9, gates=None):
    """Fraction of steps each gate unit spends left- and right-saturated.

    Args:
        record: a `Record` (from `zoo.inspect.record`) or a dict name ->
            array (batch, time, units) (or (steps, units)).
        low: left-saturation threshold; an activation < low is
            left-saturated. Default 0.1, as in the paper.
        high: right-saturation threshold; an activation > high is
            right-saturated. Default 0.9. Needs low < high.
        gates: the names to measure; default every gate of the record (for
            a dict, every entry). Non-gate arrays may be named too (the
            candidate, with thresholds such as -0.9 and 0.9 for a tanh).

    Returns:
        A `Saturation` with `left[gate]` and `right[gate]`, arrays (units,).

    Raises:
        ValueError: `low` >= `high`, an unknown or empty `gates`.
        TypeError: `record` is neither a Record nor a dict.

    Example:

    >>> stats = saturation(record(zoo.layers.LSTM(32), x))
    >>> stats.right["forget"].shape
    (32,)

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015 (section 4.2, Fig. 3).
    """
    low = v.number("low", low)
    high = v.number("high", high)
    if not low < high:
        raise ValueError(f"`low` must be smaller than `high`; received low={low!r}, high={high!r}.")
    arrays = _arrays(record, gates)
    left = {g: (a < low).mean(axis=0) for g, a in arrays.items()}
    right = {g: (a > high).mean(axis=0) for g, a in arrays.items()}
    steps = next(iter(arrays.values())).shape[0]
    return Saturation(left=left, right=right, low=low, high=high, steps=steps)


def plot_saturation(stats, gates=None, size=3.0):
    """Right- against left-saturation fraction per unit, one panel per gate
    (the layout of Figure 3 of Karpathy et al. 2015).

    Args:
        stats: a `Saturation`, or a dict label -> `Saturation` (for example
            one per layer, or one per model) drawn in different colours.
        gates: the panels; default every gate of the first statistics.
        size: the width and height of one panel, in inches.

    Returns:
        A matplotlib `Figure`.

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015 (Fig. 3).
    """
    if isinstance(stats, Saturation):
        stats = {"": stats}
    if not isinstance(stats, dict) or not stats or not all(isinstance(s, Saturation) for s in stats.values()):
        raise TypeError(
            f"`stats` must be a Saturation or a non-empty dict label -> Saturation; received stats={stats!r}."
        )
    first = next(iter(stats.values()))
    gates = list(first.gates if gates is None else ([gates] if isinstance(gates, str) else gates))
    if not gates:
        raise ValueError(f"`gates` must name at least one gate; received gates={gates!r}.")
    from zoo.plot import _pyplot

    plt = _pyplot()
    fig, axes = plt.subplots(1, len(gates), figsize=(size * len(gates), size), squeeze=False)
    for ax, gate in zip(axes[0], gates):
        for label, s in stats.items():
            if gate in s.left:
                ax.scatter(s.left[gate], s.right[gate], s=12, alpha=0.6, label=label or None)
        ax.plot([0, 1], [1, 0], color="0.7", lw=0.8)  # left + right <= 1
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal")
        ax.set_title(f"{gate} gate")
        ax.set_xlabel(f"fraction left-saturated (< {first.low:g})")
    axes[0][0].set_ylabel(f"fraction right-saturated (> {first.high:g})")
    if len(stats) > 1:
        axes[0][-1].legend(fontsize="small", loc="upper right")
    fig.tight_layout()
    return fig
