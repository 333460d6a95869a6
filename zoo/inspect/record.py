"""Record what a recurrent cell does at every step: hidden and cell states and
the gate activations, with the cell's own weights.

The equations of every supported cell family are written once, here (the
`_FAMILIES` table): the projection of the inputs, one step with the gate
values named, the fraction of the memory each unit keeps, and the square
recurrent blocks (for `zoo.inspect.gradients.spectral_radius`). The recorded
hidden states are checked against the layers' own outputs in
tests/inspect/record_test.py, which is what vouches for the recorded gates.

Supported: the zoo cells `SimpleRNNCell`, `JordanCell`, `LSTMCell` (peepholes
and layer normalization included), `GRUCell` (both `reset_after`),
`LeakyCell` (learned rates and skip connections included), `EchoStateCell`,
`IMGCell` and `PMUCell`; Keras's `keras.layers.SimpleRNNCell`, `LSTMCell` and
`GRUCell`; and any `keras.layers.RNN` (zoo's `RNN`, `LSTM`, ... or Keras's
`LSTM`, ...) wrapping one of them.
"""

import dataclasses

import keras
import numpy as np
from keras import ops

from zoo.layers.rnn import (
    EchoStateCell,
    GRUCell,
    IMGCell,
    JordanCell,
    LeakyCell,
    LSTMCell,
    PMUCell,
    SimpleRNNCell,
)
from zoo.layers.rnn.lstm import _layer_norm  # the LSTM cell's own block layer norm


@dataclasses.dataclass
class Record:
    """What a cell did at every step of a batch of sequences (NumPy arrays).

    Every array is (batch, time, units), in the order the layer computed the
    steps (reversed time for a `go_backwards` layer, as Keras returns it).

    Attributes:
        family: the cell family: "simple_rnn", "jordan", "lstm", "gru",
            "leaky", "echo_state", "img" or "pmu".
        h: the cell's output at every step; equal to the layer's output with
            `return_sequences=True`. (For a `JordanCell` this is the output
            y_t; its hidden layer is `extras["hidden"]`.)
        c: the LSTM cell state c_t, None for the other families.
        gates: the gate activations by name (values in (0, 1) with the
            default sigmoid): LSTM "input", "forget", "output"; GRU "update",
            "reset"; IMG "gate"; PMU "update"; none for the others.
        candidate: the candidate (the new content before gating): LSTM g_t,
            GRU/IMG/PMU/Leaky/echo state n_t; None for SimpleRNN and Jordan.
        retain: the fraction of the previous memory each unit keeps at each
            step, comparable across families: LSTM f_t (of c), GRU z_t,
            IMG 1 - g_t, PMU 1 - z_t, Leaky 1 - alpha, echo state 1 - a;
            None for SimpleRNN and Jordan.
        extras: other per-step arrays: Jordan's "hidden" (batch, time,
            units) and "state" s_t.
        final_states: the states after the last step, as the cell's
            `call` returns them.
    """

    family: str
    h: np.ndarray
    c: np.ndarray = None
    gates: dict = dataclasses.field(default_factory=dict)
    candidate: np.ndarray = None
    retain: np.ndarray = None
    extras: dict = dataclasses.field(default_factory=dict)
    final_states: list = dataclasses.field(default_factory=list)

    def __getitem__(self, name):
        """An array by name: "h", "c", "candidate", "retain", a gate or an extra."""
        arrays = self.arrays()
        if name not in arrays:
            raise KeyError(f"This {self.family} record holds {sorted(arrays)}; received name={name!r}.")
        return arrays[name]

    def arrays(self):
        """All the per-step arrays of the record, by name."""
        arrays = {"h": self.h}
        for name in ("c", "candidate", "retain"):
            if getattr(self, name) is not None:
                arrays[name] = getattr(self, name)
        return {**arrays, **self.gates, **self.extras}


# -- the equations, one family at a time ------------------------------------
#
# `project(cell, x)`: the input-only part, for x of any leading shape.
# `step(cell, p_t, states, eps)`: one step; returns (output, new_states, named)
#   where `named` holds the per-step arrays of the record ("gates/<name>",
#   "c", "candidate", "retain", "extras/<name>"). `eps` (or None) is added to
#   the output right after it is computed, before it is used anywhere else,
#   so the gradient with respect to `eps` is dL/dh_t (gradients.py).
# `blocks(cell)`: the square recurrent matrices, by name.


def _add(h, eps):
    return h if eps is None else h + eps


def _affine(x, kernel, bias):
    y = ops.matmul(x, kernel)
    return y if bias is None else y + bias


def _bias(cell):
    return getattr(cell, "bias", None) if getattr(cell, "use_bias", True) else None


def _project_dense(cell, x):
    return _affine(x, cell.kernel, _bias(cell))


def _split_blocks(matrix, names):
    m = np.asarray(ops.convert_to_numpy(matrix))
    u = m.shape[0]
    return {name: m[:, i * u : (i + 1) * u] for i, name in enumerate(names)}


# SimpleRNN (Elman): h_t = act(x_t W + h_{t-1} U + b)
def _simple_rnn_step(cell, p, states, eps):
    h = _add(cell.activation(p + ops.matmul(states[0], cell.recurrent_kernel)), eps)
    return h, [h], {}


# Jordan: hidden_t = act(x_t W + s_{t-1} U + b), y_t = out_act(hidden_t V + c),
# s_t = mu s_{t-1} + y_t
def _jordan_step(cell, p, states, eps):
    s_tm1 = states[0]
    hidden = cell.activation(p + ops.matmul(s_tm1, cell.recurrent_kernel))
    y = _affine(hidden, cell.output_kernel, cell.output_bias)
    y = _add(cell.output_activation(y), eps)
    s = y + cell.state_decay * s_tm1 if cell.state_decay else y
    return y, [s], {"extras/hidden": hidden, "extras/state": s}


def _jordan_blocks(cell):
    # The linear part of the loop s_{t-1} -> hidden -> y -> s_t.
    u = np.asarray(ops.convert_to_numpy(cell.recurrent_kernel))
    v = np.asarray(ops.convert_to_numpy(cell.output_kernel))
    return {"loop": u @ v}


# LSTM (gate order i, f, c, o):
#   i, f = sig(z + p * c_{t-1}), g = act(z_c), c_t = f c_{t-1} + i g,
#   o = sig(z_o + p_o * c_t), h_t = o act(LN(c_t))
def _lstm_project(cell, x):
    if getattr(cell, "layer_norm", False):
        y = _layer_norm(ops.matmul(x, cell.kernel), cell.gamma_x, None, 4, cell.layer_norm_epsilon)
        b = _bias(cell)
        return y if b is None else y + b
    return _project_dense(cell, x)


def _lstm_step(cell, p, states, eps):
    layer_norm = getattr(cell, "layer_norm", False)
    peepholes = getattr(cell, "use_peepholes", False)
    h_tm1, c_tm1 = states[0], states[1]
    r = ops.matmul(h_tm1, cell.recurrent_kernel)
    if layer_norm:
        r = _layer_norm(r, cell.gamma_h, None, 4, cell.layer_norm_epsilon)
    z_i, z_f, z_c, z_o = ops.split(p + r, 4, axis=-1)
    if peepholes:
        z_i = z_i + cell.peephole_i * c_tm1
        z_f = z_f + cell.peephole_f * c_tm1
    i = cell.recurrent_activation(z_i)
    f = cell.recurrent_activation(z_f)
    g = cell.activation(z_c)
    c = f * c_tm1 + i * g
    if peepholes:
        z_o = z_o + cell.peephole_o * c
    o = cell.recurrent_activation(z_o)
    c_out = _layer_norm(c, cell.gamma_c, cell.beta_c, 1, cell.layer_norm_epsilon) if layer_norm else c
    h = _add(o * cell.activation(c_out), eps)
    named = {"gates/input": i, "gates/forget": f, "gates/output": o, "candidate": g, "c": c, "retain": f}
    return h, [h, c], named


def _lstm_blocks(cell):
    return _split_blocks(cell.recurrent_kernel, ("input", "forget", "candidate", "output"))


# GRU (gate order z, r, h): z, r = sig(...),
#   reset_after:  n = act(x W_h + b_h + r * (h_{t-1} U_h + b'_h))
#   reset_before: n = act(x W_h + b_h + (r * h_{t-1}) U_h)
#   h_t = z h_{t-1} + (1 - z) n
def _gru_project(cell, x):
    b = _bias(cell)
    if b is not None and cell.reset_after:
        b = b[0]
    return _affine(x, cell.kernel, b)


def _gru_step(cell, p, states, eps):
    u = cell.units
    h_tm1 = states[0]
    x_z, x_r, x_h = ops.split(p, 3, axis=-1)
    if cell.reset_after:
        b = _bias(cell)
        inner = _affine(h_tm1, cell.recurrent_kernel, None if b is None else b[1])
        r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
        z = cell.recurrent_activation(x_z + r_z)
        r = cell.recurrent_activation(x_r + r_r)
        n = cell.activation(x_h + r * r_h)
    else:
        inner = ops.matmul(h_tm1, cell.recurrent_kernel[:, : 2 * u])
        z = cell.recurrent_activation(x_z + inner[:, :u])
        r = cell.recurrent_activation(x_r + inner[:, u:])
        n = cell.activation(x_h + ops.matmul(r * h_tm1, cell.recurrent_kernel[:, 2 * u :]))
    h = _add(z * h_tm1 + (1 - z) * n, eps)
    return h, [h], {"gates/update": z, "gates/reset": r, "candidate": n, "retain": z}


def _gru_blocks(cell):
    return _split_blocks(cell.recurrent_kernel, ("update", "reset", "candidate"))


# IMG (reconstruction, see IMGCell): g = sig(x W_g + h U_g + b_g),
#   n = act(x W_n + (g h) U_n + b_n), h_t = (1 - g) h_{t-1} + g n
def _img_step(cell, p, states, eps):
    u = cell.units
    h_tm1 = states[0]
    x_g, x_n = ops.split(p, 2, axis=-1)
    g = cell.recurrent_activation(x_g + ops.matmul(h_tm1, cell.recurrent_kernel[:, :u]))
    n = cell.activation(x_n + ops.matmul(g * h_tm1, cell.recurrent_kernel[:, u:]))
    h = _add((1 - g) * h_tm1 + g * n, eps)
    return h, [h], {"gates/gate": g, "candidate": n, "retain": 1 - g}


def _img_blocks(cell):
    return _split_blocks(cell.recurrent_kernel, ("gate", "candidate"))


# PMU (reconstruction, see PMUCell): z = sig(x W_z + u_z * h + b_z),
#   n = act(x W_n + (z h) U_n + b_n), h_t = z n + (1 - z) h_{t-1}
def _pmu_step(cell, p, states, eps):
    h_tm1 = states[0]
    x_z, x_n = ops.split(p, 2, axis=-1)
    z = cell.recurrent_activation(x_z + cell.gate_recurrent * h_tm1)
    n = cell.activation(x_n + ops.matmul(z * h_tm1, cell.recurrent_kernel))
    h = _add(z * n + (1 - z) * h_tm1, eps)
    return h, [h], {"gates/update": z, "candidate": n, "retain": 1 - z}


def _pmu_blocks(cell):
    return {
        "update": np.diag(np.asarray(ops.convert_to_numpy(cell.gate_recurrent))),
        "candidate": np.asarray(ops.convert_to_numpy(cell.recurrent_kernel)),
    }


# Leaky: n = act(x W + h_{t-1} U + h_{t-tau} U_tau + b),
#   h_t = (1 - alpha) h_{t-1} + alpha n
def _leaky_step(cell, p, states, eps):
    h_tm1 = states[0]
    pre = p + ops.matmul(h_tm1, cell.recurrent_kernel)
    tau = cell.skip_length
    if tau:
        history = states[1]  # (batch, tau * units): h_{t-1}, ..., h_{t-tau}
        pre = pre + ops.matmul(history[:, (tau - 1) * cell.units :], cell.skip_kernel)
    alpha = ops.cast(cell.rates(), pre.dtype)
    n = cell.activation(pre)
    h = _add((1 - alpha) * h_tm1 + alpha * n, eps)
    retain = ops.broadcast_to(1 - alpha, ops.shape(h))
    named = {"candidate": n, "retain": retain}
    if tau:
        return h, [h, ops.concatenate([h, history[:, : (tau - 1) * cell.units]], axis=-1)], named
    return h, [h], named


def _leaky_blocks(cell):
    blocks = {"recurrent": np.asarray(ops.convert_to_numpy(cell.recurrent_kernel))}
    if cell.skip_length:
        blocks["skip"] = np.asarray(ops.convert_to_numpy(cell.skip_kernel))
    return blocks


# Echo state: h_t = (1 - a) h_{t-1} + a tanh(x W_in + h_{t-1} W + b)
def _echo_state_step(cell, p, states, eps):
    h_tm1 = states[0]
    n = cell.activation(p + ops.matmul(h_tm1, cell.recurrent_kernel))
    a = cell.leak_rate
    h = _add((1 - a) * h_tm1 + a * n, eps)
    return h, [h], {"candidate": n, "retain": ops.full(ops.shape(h), 1.0 - a, dtype=h.dtype)}


def _recurrent_block(cell):
    return {"recurrent": np.asarray(ops.convert_to_numpy(cell.recurrent_kernel))}


@dataclasses.dataclass(frozen=True)
class _Family:
    name: str
    step: object
    project: object = _project_dense
    blocks: object = _recurrent_block
    default_block: str = "recurrent"


_SIMPLE_RNN = _Family("simple_rnn", _simple_rnn_step)
_LSTM = _Family("lstm", _lstm_step, _lstm_project, _lstm_blocks, "candidate")
_GRU = _Family("gru", _gru_step, _gru_project, _gru_blocks, "candidate")

# Cell class -> family. Subclasses are recorded with their parent's equations
# only when they override none of the methods that define the step.
_FAMILIES = {
    SimpleRNNCell: _SIMPLE_RNN,
    keras.layers.SimpleRNNCell: _SIMPLE_RNN,
    LSTMCell: _LSTM,
    keras.layers.LSTMCell: _LSTM,
    GRUCell: _GRU,
    keras.layers.GRUCell: _GRU,
    JordanCell: _Family("jordan", _jordan_step, blocks=_jordan_blocks, default_block="loop"),
    IMGCell: _Family("img", _img_step, blocks=_img_blocks, default_block="candidate"),
    PMUCell: _Family("pmu", _pmu_step, blocks=_pmu_blocks, default_block="candidate"),
    LeakyCell: _Family("leaky", _leaky_step, blocks=_leaky_blocks),
    EchoStateCell: _Family("echo_state", _echo_state_step),
}
_STEP_METHODS = ("call", "step", "project_inputs", "build", "rates")

SUPPORTED = (
    "zoo SimpleRNNCell, JordanCell, LSTMCell, GRUCell, LeakyCell, EchoStateCell, IMGCell, PMUCell; "
    "keras.layers.SimpleRNNCell, LSTMCell, GRUCell; or a keras.layers.RNN (zoo.layers.RNN, LSTM, ...) "
    "wrapping one of them"
)


def family_of(cell, name="cell"):
    """The family of `cell` (its equations), or a TypeError naming `name`."""
    mro = type(cell).__mro__
    if not any(klass in _FAMILIES for klass in mro):
        raise TypeError(f"`{name}` must be one of: {SUPPORTED}; received {name}={cell!r}.")
    for klass in mro:
        if klass in _FAMILIES:
            return _FAMILIES[klass]
        if any(m in vars(klass) for m in _STEP_METHODS):
            raise TypeError(
                f"`{name}` is a {type(cell).__name__}, which redefines the step of its parent cell; "
                f"zoo.inspect records only the cells whose equations it knows: {SUPPORTED}."
            )


def resolve(cell_or_layer, name="cell_or_layer"):
    """Split a cell or a recurrent layer into (cell, family, go_backwards).

    Raises:
        TypeError: naming `name` when the object is not a supported cell or a
            `keras.layers.RNN` wrapping one (Bidirectional and stacked cells
            included: record each direction or layer on its own).
    """
    go_backwards = False
    cell = cell_or_layer
    if isinstance(cell_or_layer, keras.layers.Bidirectional):
        raise TypeError(
            f"`{name}` is a Bidirectional layer; record its `forward_layer` and `backward_layer` separately."
        )
    if isinstance(cell_or_layer, keras.layers.RNN):
        cell = cell_or_layer.cell
        go_backwards = bool(cell_or_layer.go_backwards)
        if isinstance(cell, keras.layers.StackedRNNCells):
            raise TypeError(
                f"`{name}` wraps stacked cells ({[type(c).__name__ for c in cell.cells]}); "
                "record each cell on its own, feeding it the outputs of the one below."
            )
    return cell, family_of(cell, name), go_backwards


def _as_inputs(inputs, name="inputs"):
    try:
        x = np.asarray(ops.convert_to_numpy(inputs), dtype="float32")
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array (batch, time, features); received {inputs!r}.") from None
    if x.ndim != 3 or 0 in x.shape:
        raise ValueError(
            f"`{name}` must be a non-empty array of rank 3 (batch, time, features); "
            f"received {name} with shape {x.shape}."
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"`{name}` must be finite; received NaN or inf values.")
    return x


def _state_sizes(cell):
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [int(s) for s in sizes]


def _build(cell_or_layer, cell, x):
    if isinstance(cell_or_layer, keras.layers.RNN):
        if not cell_or_layer.built:
            cell_or_layer.build(x.shape)
    elif not cell.built:
        cell.build((x.shape[0], x.shape[-1]))
    input_dim = int(cell.kernel.shape[0])
    if x.shape[-1] != input_dim:
        raise ValueError(
            f"`inputs` must have {input_dim} features, the input size the cell was built for; "
            f"received inputs with shape {x.shape}."
        )


def initial_states(cell, batch_size, initial_state=None, name="initial_state"):
    """The states to start from: zeros, or `initial_state` checked against
    the cell's state sizes (a ValueError naming `name` otherwise)."""
    sizes = _state_sizes(cell)
    if initial_state is None:
        return [np.zeros((batch_size, s), "float32") for s in sizes]
    states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
    states = [np.asarray(ops.convert_to_numpy(s), dtype="float32") for s in states]
    shapes = [s.shape for s in states]
    expected = [(batch_size, s) for s in sizes]
    if shapes != expected:
        raise ValueError(
            f"`{name}` must hold {len(sizes)} array(s) of shape(s) {expected} for this cell and "
            f"batch; received {name} with shape(s) {shapes}."
        )
    return states


def run_steps(family, cell, x, states, perturbations=None, named=True):
    """Run `family`'s equations over the time axis of `x` (batch, time,
    features), in the active backend (differentiable).

    Args:
        perturbations: None, or a tensor (time, batch, output size) added to
            the output of each step (see `_add`).
        named: collect the named per-step arrays.

    Returns:
        (outputs, named, final_states): `outputs` a list of (batch, units)
        tensors, `named` a dict name -> list of tensors.
    """
    x = ops.convert_to_tensor(x, dtype=cell.compute_dtype)
    projected = family.project(cell, ops.transpose(x, (1, 0, 2)))  # (time, batch, width): one matmul
    states = [ops.convert_to_tensor(s, dtype=cell.compute_dtype) for s in states]
    outputs, collected = [], {}
    for t in range(x.shape[1]):
        eps = None if perturbations is None else perturbations[t]
        output, states, values = family.step(cell, projected[t], states, eps)
        outputs.append(output)
        if named:
            for key, value in values.items():
                collected.setdefault(key, []).append(value)
    return outputs, collected, states


def scan_outputs(family, cell, x, states, perturbations):
    """The outputs (time, batch, units) of `family`'s equations over `x`
    (batch, time, features) with `keras.ops.scan`: one traced step, for the
    compiled gradients on JAX (where differentiating the unrolled Python loop
    of `run_steps` compiles for minutes at 50 steps)."""
    x = ops.convert_to_tensor(x, dtype=cell.compute_dtype)
    projected = family.project(cell, ops.transpose(x, (1, 0, 2)))  # (time, batch, width)
    states = [ops.convert_to_tensor(s, dtype=cell.compute_dtype) for s in states]

    def step(carry, inputs):
        p_t, eps_t = inputs
        output, new_states, _ = family.step(cell, p_t, list(carry), eps_t)
        return list(new_states), output

    _, outputs = ops.scan(step, states, (projected, perturbations))
    return outputs


def record(cell_or_layer, inputs, initial_state=None):
    """Run a recurrent cell step by step and record its states and gates.

    Runs in inference mode (no dropout) with the layer's own weights, in the
    active Keras backend, and returns NumPy arrays. The recorded `h` equals
    the layer's outputs with `return_sequences=True` (tested to 1e-5 for
    every supported cell). A stateful layer's carried states are not used:
    pass them as `initial_state`.

    Args:
        cell_or_layer: a supported cell, or a `keras.layers.RNN` wrapping one
            (zoo's `RNN`/`LSTM`/`GRU`/..., Keras's `RNN`/`SimpleRNN`/`LSTM`/
            `GRU`). An unbuilt one is built for `inputs`. With a
            `go_backwards` layer the sequence is read backwards and the
            record is in the order of the steps, as Keras returns outputs.
        inputs: array (batch, time, features).
        initial_state: None (zeros) or the list of initial states, shapes
            (batch, size) for each of the cell's `state_size`.

    Returns:
        A `Record`: `h`, `c` (LSTM), `gates`, `candidate`, `retain`,
        `extras` and `final_states`, each per-step array (batch, time,
        units).

    Raises:
        TypeError: `cell_or_layer` is not a supported cell or layer.
        ValueError: `inputs` is not a finite rank-3 array with the cell's
            input size, or `initial_state` does not match the state sizes.

    Example:

    >>> lstm = zoo.layers.LSTM(16)
    >>> rec = record(lstm, np.random.rand(4, 30, 3))
    >>> rec.gates["forget"].shape
    (4, 30, 16)

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015.
    """
    cell, family, go_backwards = resolve(cell_or_layer)
    x = _as_inputs(inputs)
    _build(cell_or_layer, cell, x)
    states = initial_states(cell, x.shape[0], initial_state)
    if go_backwards:
        x = x[:, ::-1]
    outputs, named, final = run_steps(family, cell, x, states)

    def stack(tensors):
        return np.stack([np.asarray(ops.convert_to_numpy(t)) for t in tensors], axis=1)

    arrays = {key: stack(values) for key, values in named.items()}
    return Record(
        family=family.name,
        h=stack(outputs),
        c=arrays.get("c"),
        gates={k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("gates/")},
        candidate=arrays.get("candidate"),
        retain=arrays.get("retain"),
        extras={k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith("extras/")},
        final_states=[np.asarray(ops.convert_to_numpy(s)) for s in final],
    )


def recurrent_blocks(cell_or_layer, name="cell"):
    """The square recurrent matrices of a cell, by name (NumPy, float32).

    LSTM: "input", "forget", "candidate", "output" (each (units, units));
    GRU: "update", "reset", "candidate"; IMG: "gate", "candidate"; PMU:
    "update" (the diagonal u_z as a matrix), "candidate"; SimpleRNN, Leaky
    and echo state: "recurrent" (Leaky with a skip: also "skip"); Jordan:
    "loop", U V, the linear part of the loop s_{t-1} -> s_t.

    Returns:
        (blocks, default): the dict and the name of the block through which
        the state reaches the candidate (the one `spectral_radius` uses by
        default).
    """
    cell, family, _ = resolve(cell_or_layer, name)
    if not cell.built:
        raise ValueError(f"`{name}` is not built yet; call it on inputs (or `record` it) first.")
    return family.blocks(cell), family.default_block
