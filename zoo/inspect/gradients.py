"""Gradient flow through time: how fast dL/dh_t vanishes (or explodes) with
the distance from the loss, and the spectral radius of the recurrent
weights that governs it.

For a linear Elman network h_t = x_t W + h_{t-1} U, the gradient of a loss on
the last step L(h_T) is dL/dh_t = dL/dh_T (U^T)^(T-t): its norm shrinks
geometrically at the rate of the spectral radius of U when that is below 1
and grows when it is above (Bengio, Simard and Frasconi 1994; Pascanu,
Mikolov and Bengio 2013). A nonlinearity multiplies in its derivative at
every step; gating (the LSTM's additive cell state with a forget gate near
1) is what keeps the product from vanishing (Hochreiter and Schmidhuber
1997).

The gradient itself is taken by the backend's own automatic differentiation
(`tf.GradientTape` on TensorFlow, `jax.grad` on JAX) through the equations of
`zoo.inspect.record`, with respect to a zero perturbation added to h_t at
every step: that derivative is the total dL/dh_t, every path included.
"""

import dataclasses

import keras
import numpy as np
from keras import ops

from zoo import validation as v
from zoo.inspect.record import initial_states, recurrent_blocks, resolve, run_steps, scan_outputs
from zoo.layers.rnn import GRUCell, IMGCell, LSTMCell, PMUCell, SimpleRNNCell
from zoo.layers.rnn.base import spectral_radius as _matrix_radius


@dataclasses.dataclass
class GradientNorms:
    """The norm of dL/dh_t by distance from the loss.

    Attributes:
        distance: int array (length,): T - t, 0 for the last step.
        norm: float array (length,): the mean over the batch of
            ||dL/dh_{T - distance}||.
        per_example: float array (batch, length), the same per sequence.
    """

    distance: np.ndarray
    norm: np.ndarray
    per_example: np.ndarray

    def decay_rate(self, start=0, stop=None):
        """The geometric rate r with norm ~ r ** distance, a least-squares
        fit of log(norm) over distances [start, stop). Below 1: vanishing;
        above 1: exploding."""
        stop = len(self.norm) if stop is None else stop
        k, n = self.distance[start:stop], self.norm[start:stop]
        keep = n > 0
        if keep.sum() < 2:
            raise ValueError(
                f"Need two non-zero norms in [start, stop); received start={start}, stop={stop}."
            )
        slope = np.polyfit(k[keep], np.log(n[keep]), 1)[0]
        return float(np.exp(slope))


def _gradient(loss_fn, zeros, backend):
    """d loss_fn(e) / de at e = zeros, with the backend's autodiff."""
    if backend == "tensorflow":
        import tensorflow as tf

        e = tf.convert_to_tensor(zeros)
        with tf.GradientTape() as tape:
            tape.watch(e)
            loss = loss_fn(e)
        return np.asarray(tape.gradient(loss, e))
    if backend == "jax":
        import jax

        return np.asarray(jax.jit(jax.grad(loss_fn))(zeros))


def gradient_norms(
    cell, length, batch_size=16, input_dim=None, inputs=None, probe=None, input_scale=1.0, seed=0
):
    """The norm of dL/dh_t against the distance T - t from a loss on the
    last step, averaged over a batch of random input sequences.

    The loss is L = sum over the batch of <v_b, h_T> with one unit-norm probe
    vector v_b per sequence, so dL/dh_T = v_b has norm 1 and the curve reads
    as the factor by which a unit gradient shrinks going back in time.

    Args:
        cell: a cell or recurrent layer `zoo.inspect.record` supports. An
            unbuilt one is built for `input_dim` features.
        length: T, the number of steps (positive integer).
        batch_size: the number of random sequences averaged over.
        input_dim: the number of input features; default the cell's input
            size when built, else 8.
        inputs: optional array (batch, length, features) to use instead of
            random inputs (then `batch_size` and `input_dim` follow it).
        probe: optional array (units,) or (batch, units): the loss direction
            v (not normalized); default random unit vectors from `seed`.
        input_scale: the standard deviation of the random inputs.
        seed: seed of the random inputs and probes.

    Returns:
        A `GradientNorms` (`distance`, `norm`, `per_example`,
        `decay_rate()`).

    Example:

    >>> gradient_norms(zoo.layers.LSTMCell(32), length=50).decay_rate()

    Reference:
        Bengio, Simard and Frasconi, "Learning long-term dependencies with
        gradient descent is difficult", IEEE TNN 1994.
        Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent
        neural networks", ICML 2013.
    """
    cell, family, _ = resolve(cell, "cell")
    length = v.positive_int("length", length)
    rng = np.random.default_rng(seed)
    if inputs is None:
        batch_size = v.positive_int("batch_size", batch_size)
        if input_dim is None:
            input_dim = int(cell.kernel.shape[0]) if cell.built else 8
        input_dim = v.positive_int("input_dim", input_dim)
        input_scale = v.positive("input_scale", input_scale)
        x = (input_scale * rng.standard_normal((batch_size, length, input_dim))).astype("float32")
    else:
        x = np.asarray(inputs, dtype="float32")
        if x.ndim != 3 or x.shape[1] != length or 0 in x.shape:
            raise ValueError(
                f"`inputs` must be (batch, length={length}, features); received inputs with shape {x.shape}."
            )
        batch_size = x.shape[0]
    if not cell.built:
        cell.build((batch_size, x.shape[-1]))
    if x.shape[-1] != cell.kernel.shape[0]:
        raise ValueError(
            f"The cell was built for {cell.kernel.shape[0]} input features; received "
            f"inputs with {x.shape[-1]} (`input_dim`/`inputs`)."
        )
    units = int(cell.output_size)
    if probe is None:
        probe = rng.standard_normal((batch_size, units))
        probe /= np.linalg.norm(probe, axis=-1, keepdims=True)
    received = np.shape(probe)
    try:
        probe = np.broadcast_to(np.asarray(probe, dtype="float32"), (batch_size, units))
    except (TypeError, ValueError):
        probe = None
    if probe is None or len(received) not in (1, 2) or not np.all(np.isfinite(probe)):
        raise ValueError(
            f"`probe` must be a finite array ({units},) or ({batch_size}, {units}); "
            f"received probe with shape {received}."
        )
    states = initial_states(cell, batch_size)
    backend = keras.config.backend()
    if backend not in ("tensorflow", "jax"):
        raise NotImplementedError(
            f"gradient_norms supports the tensorflow and jax backends; the active backend is {backend!r}."
        )

    def loss(eps):
        if backend == "jax":  # a traced scan, compiled with its gradient
            return ops.sum(scan_outputs(family, cell, x, states, eps)[-1] * probe)
        outputs, _, _ = run_steps(family, cell, x, states, perturbations=eps, named=False)
        return ops.sum(outputs[-1] * probe)

    grads = _gradient(loss, np.zeros((length, batch_size, units), "float32"), backend)  # (time, batch, units)
    per_example = np.linalg.norm(grads.astype("float64"), axis=-1).T[:, ::-1]  # (batch, distance)
    return GradientNorms(
        distance=np.arange(length),
        norm=per_example.mean(axis=0),
        per_example=np.ascontiguousarray(per_example),
    )


def spectral_radius(matrix_or_cell, block=None):
    """The spectral radius (largest absolute eigenvalue) of a recurrent
    weight matrix.

    Args:
        matrix_or_cell: a square matrix, or a built cell or recurrent layer
            `zoo.inspect.record` supports.
        block: for a cell, which square recurrent block (see
            `zoo.inspect.record.recurrent_blocks`): default the one through
            which the state reaches the candidate (SimpleRNN/Leaky/echo state
            "recurrent", LSTM/GRU/IMG/PMU "candidate", Jordan "loop"); "all"
            for a dict of every block's radius.

    Returns:
        A float (a dict with `block="all"`).

    Reference:
        Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent
        neural networks", ICML 2013 (section 2.1).
    """
    if isinstance(matrix_or_cell, keras.layers.Layer):
        blocks, default = recurrent_blocks(matrix_or_cell, "matrix_or_cell")
        if block == "all":
            return {name: _matrix_radius(m) for name, m in blocks.items()}
        block = default if block is None else block
        if block not in blocks:
            raise ValueError(f"`block` must be one of {sorted(blocks) + ['all']}; received block={block!r}.")
        return _matrix_radius(blocks[block])
    try:
        m = np.asarray(ops.convert_to_numpy(matrix_or_cell), dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(
            f"`matrix_or_cell` must be a square matrix or a recurrent cell; received {matrix_or_cell!r}."
        ) from None
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.size == 0:
        raise ValueError(f"`matrix_or_cell` must be a square matrix; received shape {m.shape}.")
    if not np.all(np.isfinite(m)):
        raise ValueError("`matrix_or_cell` must be finite; received NaN or inf values.")
    return _matrix_radius(m)


DEFAULT_CELLS = {
    "SimpleRNN (tanh)": SimpleRNNCell,
    "LSTM": LSTMCell,
    "GRU": GRUCell,
    "IMG": IMGCell,
    "PMU": PMUCell,
}


def compare_gradient_flow(cells=None, length=50, units=32, input_dim=8, batch_size=16, seed=0):
    """`gradient_norms` of several cells at initialization, for
    `plot_gradient_norms`.

    Args:
        cells: dict label -> cell instance, or cell class (built here as
            `cls(units)` with seeded Glorot-uniform input and orthogonal
            recurrent initializers, the zoo defaults). Default
            `DEFAULT_CELLS`: tanh SimpleRNN, LSTM (forget bias 1), GRU, IMG
            and PMU. (PMU's diagonal gate weights draw from Keras's global
            seed: call `keras.utils.set_random_seed` first for exact reruns.)
        length, batch_size, input_dim, seed: as in `gradient_norms`.
        units: the state size of the cells built from classes.

    Returns:
        A dict label -> `GradientNorms`.
    """
    cells = DEFAULT_CELLS if cells is None else cells
    if not isinstance(cells, dict) or not cells:
        raise TypeError(
            f"`cells` must be a non-empty dict label -> cell or cell class; received cells={cells!r}."
        )
    units = v.positive_int("units", units)
    results = {}
    for label, cell in cells.items():
        if isinstance(cell, type):
            cell = cell(
                units,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
            )
        results[label] = gradient_norms(cell, length, batch_size=batch_size, input_dim=input_dim, seed=seed)
    return results


def plot_gradient_norms(results, title="Gradient flow through time"):
    """||dL/dh_t|| against the distance T - t, log scale, one curve per cell.

    Args:
        results: a `GradientNorms` or a dict label -> `GradientNorms` (from
            `compare_gradient_flow`).
        title: the axes title.

    Returns:
        A matplotlib `Figure`.
    """
    if isinstance(results, GradientNorms):
        results = {"": results}
    if (
        not isinstance(results, dict)
        or not results
        or not all(isinstance(r, GradientNorms) for r in results.values())
    ):
        raise TypeError(
            f"`results` must be a GradientNorms or a non-empty dict label -> GradientNorms; received {results!r}."
        )
    from zoo.plot import _pyplot

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, r in results.items():
        ax.semilogy(r.distance, np.maximum(r.norm, np.finfo("float32").tiny), label=label or None)
    ax.set_xlabel("distance from the loss, T - t (steps)")
    ax.set_ylabel("mean ||dL/dh_t||")
    ax.set_title(title)
    if len(results) > 1:
        ax.legend(fontsize="small")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig
