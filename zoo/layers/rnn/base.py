"""Shared machinery of the zoo recurrent cells: the cell base class and the
fused sequence layer.

Every zoo cell splits its step into two parts:

- `project_inputs(x)`: everything that depends on the input only (for a gated
  cell, `x @ kernel + bias` for all gates at once). It is written for inputs
  of any leading shape, so the sequence layer calls it once on the whole
  `(batch, time, features)` tensor: one large matmul instead of one per step.
- `step(projected_t, states)`: the recurrent part, carried through time.

`cell.call(x, states)` is `step(project_inputs(x), states)`, so a zoo cell is a
plain Keras cell (it works in `keras.layers.RNN`, `StackedRNNCells` and
`Bidirectional`), and `zoo.layers.RNN` runs the fused path. Both give the same
numbers (tested).
"""

import functools
import inspect

import keras
import numpy as np
from keras import ops

# Keras 3.15 exposes no public time loop and no public dropout mix-in for
# cells. We use the same two private pieces `keras.layers.RNN` itself uses,
# here and nowhere else:
# - `backend.rnn`: the loop behind every Keras RNN (tf.while_loop on
#   TensorFlow, lax.scan on JAX), which gives us exactly Keras's semantics for
#   masks, `go_backwards`, `unroll` and `zero_output_for_mask`. The public
#   `keras.ops.scan` cannot replace it: on TensorFlow its per-step outputs must
#   mirror the structure of the carry.
# - `DropoutRNNCell`: `keras.layers.RNN` draws the dropout masks once per batch,
#   outside the loop, only for cells that are instances of this class, so our
#   cells get correct dropout inside plain `keras.layers.RNN` too.
from keras.src import backend as _private_backend
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell

from zoo import validation as v


def time_loop(
    step,
    inputs,
    initial_states,
    go_backwards=False,
    mask=None,
    unroll=False,
    zero_output_for_mask=False,
    return_all_outputs=True,
    time_major=False,
):
    """Run `step(input_t, states) -> (output_t, new_states)` over the time
    axis (axis 1, or axis 0 with `time_major`) of `inputs`, XLA-compilable on
    TensorFlow and JAX.

    Masked steps carry the states over and repeat the previous output (or
    output zeros with `zero_output_for_mask`), as in Keras.

    Returns:
        (last_output, outputs, final_states); `outputs` is (batch, time, ...)
        (time first with `time_major`) when `return_all_outputs`, else the
        last output only. With `time_major` the mask is (time, batch) too.
    """
    if time_major and inputs.shape[0] is None:
        # Keras's TF loop takes `inputs.shape[1]` as the length when the
        # time axis is unknown, which is the batch axis when time-major: a
        # graph traced with an unknown time axis and a static batch ran
        # `batch` steps only. Such graphs (SavedModels, relaxed traces) run
        # batch-major instead.
        last, outputs, states = time_loop(
            step,
            ops.transpose(inputs, (1, 0) + tuple(range(2, len(inputs.shape)))),
            initial_states,
            go_backwards=go_backwards,
            mask=None if mask is None else ops.transpose(mask, (1, 0)),
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            return_all_outputs=return_all_outputs,
        )
        if return_all_outputs:
            outputs = ops.transpose(outputs, (1, 0) + tuple(range(2, len(outputs.shape))))
        return last, outputs, states
    return _private_backend.rnn(
        step,
        inputs,
        list(initial_states),
        go_backwards=go_backwards,
        mask=mask,
        unroll=unroll,
        input_length=inputs.shape[0 if time_major else 1],
        time_major=time_major,
        zero_output_for_mask=zero_output_for_mask,
        return_all_outputs=return_all_outputs,
    )


def set_dropout_masks(cell, step_input, state, training):
    """Draw a cell's dropout masks once, before a loop (Keras semantics)."""
    if training and isinstance(cell, DropoutRNNCell):
        cell.get_dropout_mask(step_input)
        cell.get_recurrent_dropout_mask(state)


def reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()


class RecurrentCell(DropoutRNNCell, keras.layers.Layer):
    """Base class of the zoo cells (not used directly).

    Subclasses set `state_size` and `output_size`, create their weights in
    `build`, and implement `project_inputs` and `step`. The base class holds
    the arguments every cell shares (initializers, regularizers, constraints,
    dropout) and serializes them.

    Args:
        units: positive integer, size of the hidden state.
        use_bias: whether the cell uses a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer:
            initializers of the input kernel, the recurrent kernel and the
            bias.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            optional regularizers of the same weights.
        kernel_constraint, recurrent_constraint, bias_constraint:
            optional constraints of the same weights.
        dropout: float in [0, 1), fraction of the input units dropped. The
            mask is drawn once per batch and reused at every step (Gal and
            Ghahramani 2016).
        recurrent_dropout: float in [0, 1), fraction of the recurrent state
            units dropped before the recurrent projection, one mask per batch.
        seed: integer seed of the dropout masks.
    """

    def __init__(
        self,
        units,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = v.positive_int("units", units)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.dropout = v.rate("dropout", dropout)
        self.recurrent_dropout = v.rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed=seed)

    # -- weights ---------------------------------------------------------

    def _add_matrix(self, name, shape, kind="kernel"):
        """A weight with the initializer, regularizer and constraint of
        `kind`: "kernel" (input side) or "recurrent"."""
        return self.add_weight(
            shape=shape,
            name=name,
            initializer=getattr(self, f"{kind}_initializer"),
            regularizer=getattr(self, f"{kind}_regularizer"),
            constraint=getattr(self, f"{kind}_constraint"),
        )

    def _add_kernels(self, input_dim, width, recurrent_rows=None, recurrent_width=None):
        """Create `kernel` (input_dim, width) and `recurrent_kernel`
        (recurrent_rows or units, recurrent_width or width)."""
        self.kernel = self._add_matrix("kernel", (input_dim, width))
        self.recurrent_kernel = self._add_matrix(
            "recurrent_kernel", (recurrent_rows or self.units, recurrent_width or width), kind="recurrent"
        )

    def _add_bias(self, shape, initializer=None):
        if not self.use_bias:
            self.bias = None
            return
        self.bias = self.add_weight(
            shape=shape,
            name="bias",
            initializer=initializer or self.bias_initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint,
        )

    # -- the two halves of a step ----------------------------------------

    def project_inputs(self, inputs):
        """The input-only part of a step, for inputs of any leading shape.

        The default is `inputs @ kernel + bias`.
        """
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        return x

    def step(self, projected, states, training=False):
        """One recurrent step on `projected = project_inputs(x_t)`."""
        raise NotImplementedError

    def recurrent_input(self, h_tm1, training=False):
        """`h_tm1` with the recurrent dropout mask applied when training."""
        if training and self.recurrent_dropout > 0:
            return h_tm1 * self.get_recurrent_dropout_mask(h_tm1)
        return h_tm1

    def dropped_inputs(self, inputs, training=False):
        """`inputs` with the input dropout mask applied when training."""
        if training and self.dropout > 0:
            mask = self.get_dropout_mask(inputs[:, 0, :] if len(inputs.shape) == 3 else inputs)
            if len(inputs.shape) == 3:
                mask = ops.expand_dims(mask, 1)
            return inputs * mask
        return inputs

    def call(self, inputs, states, training=False):
        projected = self.project_inputs(self.dropped_inputs(inputs, training))
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        return self.step(projected, states, training=training)

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    def get_config(self):
        config = {
            "units": self.units,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": keras.regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": keras.constraints.serialize(self.recurrent_constraint),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


class GatedCell(RecurrentCell):
    """Base of the gated cells (not used directly): adds the candidate
    `activation` and the gate `recurrent_activation` to the common
    arguments; one state of size `units` unless a subclass says otherwise."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", **kwargs):
        super().__init__(units, **kwargs)
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.state_size = self.units
        self.output_size = self.units

    def get_config(self):
        config = {
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class RNN(keras.layers.RNN):
    """A recurrent layer that runs a zoo cell on the fused path.

    Same arguments and behaviour as `keras.layers.RNN` (masking, `stateful`,
    `go_backwards`, `return_sequences`, `return_state`, `unroll`, initial
    states, `Bidirectional`). When the cell is a zoo cell, the input
    projection of every timestep is computed before the loop in one matmul and
    the loop carries only the recurrent part; any other Keras cell runs on the
    ordinary Keras loop.

    Args:
        cell: a zoo cell, any Keras cell, or a list of cells (stacked).
        return_sequences: return the whole output sequence, not only the last
            output.
        return_state: also return the final states.
        go_backwards: process the sequence backwards (outputs come out in the
            order they were computed, as in Keras).
        stateful: carry the last state of each batch over to the next one.
        unroll: unroll the loop in Python (short sequences only).
        zero_output_for_mask: output zeros at masked steps instead of the
            previous output.

    Example:

    >>> layer = RNN(zoo.layers.LSTMCell(8), return_sequences=True)
    >>> layer(np.zeros((2, 5, 3), "float32")).shape
    (2, 5, 8)
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        if not isinstance(cell, RecurrentCell):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        # Time-major before the projection: the loop wants time first, and
        # transposing the narrow inputs is cheaper than the projected ones.
        inputs = ops.transpose(cell.dropped_inputs(sequences, training), (1, 0, 2))
        projected = cell.project_inputs(inputs)  # (time, batch, width): one matmul for all steps
        if mask is not None:
            mask = ops.transpose(mask, (1, 0))

        def step(projected_t, states):
            output, new_states = cell.step(projected_t, list(states), training=training)
            return output, list(new_states)

        last, outputs, states = time_loop(
            step,
            projected,
            list(initial_state),
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
            time_major=True,
        )
        if self.return_sequences:
            outputs = ops.transpose(outputs, (1, 0, 2))
        return last, outputs, states

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if len(sequences.shape) != 3:
            raise ValueError(
                f"{type(self).__name__} expects inputs of rank 3 "
                f"(batch, time, features); received `inputs` with shape {tuple(sequences.shape)}."
            )
        if initial_state is not None:
            _check_initial_state(self, sequences, initial_state)
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)


def _check_initial_state(layer, sequences, initial_state):
    states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
    sizes = layer.state_size
    flat_sizes = []
    for size in sizes:
        flat_sizes.extend(size if isinstance(size, (list, tuple)) else [size])
    flat_states = keras.tree.flatten(states)
    if len(flat_states) != len(flat_sizes):
        raise ValueError(
            f"`initial_state` of {layer.name} must hold {len(flat_sizes)} tensor(s) of "
            f"sizes {flat_sizes}; received {len(flat_states)}."
        )
    for i, (state, size) in enumerate(zip(flat_states, flat_sizes)):
        shape = tuple(state.shape)
        if len(shape) != 2 or (shape[-1] is not None and shape[-1] != size):
            raise ValueError(
                f"`initial_state[{i}]` of {layer.name} must have shape (batch, {size}); "
                f"received shape {shape}."
            )
        batch = sequences.shape[0]
        if batch is not None and shape[0] is not None and shape[0] != batch:
            raise ValueError(
                f"`initial_state[{i}]` of {layer.name} has batch size {shape[0]} but the "
                f"inputs have batch size {batch}."
            )


_RNN_ARGS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)
_LAYER_ARGS = ("name", "dtype", "trainable", "activity_regularizer", "input_shape", "batch_size")


class CellLayer(RNN):
    """Base of the per-cell sequence layers (`LSTM`, `GRU`, ...).

    Takes the cell's arguments and the `RNN` arguments in one flat signature,
    like `keras.layers.LSTM`, and serializes them flat. Subclasses set
    `cell_class`.
    """

    cell_class = None

    def __init__(self, units, **kwargs):
        rnn_kwargs = {k: kwargs.pop(k) for k in _RNN_ARGS if k in kwargs}
        layer_kwargs = {k: kwargs.pop(k) for k in _LAYER_ARGS if k in kwargs}
        cell = self.cell_class(
            units,
            dtype=layer_kwargs.get("dtype"),
            trainable=layer_kwargs.get("trainable", True),
            name=f"{self.cell_class.__name__.lower()}",
            **kwargs,
        )
        super().__init__(cell, **rnn_kwargs, **layer_kwargs)

    def __getattr__(self, name):
        # Expose the cell's constructor arguments (`layer.units`, ...) like
        # the Keras layers do; nothing else is forwarded.
        cell = self.__dict__.get("cell")
        if cell is not None and name in _constructor_args(type(cell)):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "dtype", "trainable"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@functools.cache
def _constructor_args(cls):
    names = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            names.update(inspect.signature(klass.__init__).parameters)
    return frozenset(names - {"self", "kwargs", "args", "name", "dtype", "trainable"})


def spectral_radius(matrix):
    """Largest absolute eigenvalue of a square matrix (NumPy, float64)."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype="float64")))))
