"""A recurrent decoder with attention over an encoder memory."""

import keras
from keras import ops

from zoo import validation as v
from zoo.layers.rnn.base import reset_dropout_masks, set_dropout_masks, time_loop


def _flat_state_sizes(cell):
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return list(sizes)


@keras.saving.register_keras_serializable(package="zoo")
class AttentionRNN(keras.layers.Layer):
    """Decoder loop over any cell with attention over an encoder memory.

    Two step orders, the two classic papers:

    `mode="bahdanau"` (RNNsearch, Bahdanau et al. 2015): the previous state
    s_{t-1} (the cell's first state tensor) queries the memory, the context
    enters the cell with the input, and the output is [s_t; c_t]:

        c_t, a_t = attention(s_{t-1}, memory)
        s_t = cell([x_t; c_t], s_{t-1})
        output_t = [s_t; c_t]

    `mode="luong"` (Luong et al. 2015): the cell runs first and its output
    queries the memory; with `attention_units` the attentional vector is
    h~_t = tanh(W_c [o_t; c_t]) (`attention_kernel`), else [o_t; c_t]; with
    `input_feeding` h~_{t-1} enters the cell with the input:

        o_t, s_t = cell([x_t; h~_{t-1}], s_{t-1})
        c_t, a_t = attention(o_t, memory)
        output_t = h~_t

    The whole loop is one XLA-compilable scan (TensorFlow `jit_compile` and
    `jax.jit`) that closes over the memory; the memory projection of the
    attention is computed once, outside the loop. The alignment history a_t
    is returned with `return_alignments=True` for plotting.

    `step` runs one decoder step on explicit states, for samplers; a loop of
    `step` calls equals the full-sequence call (tested).

    Args:
        cell: a zoo cell or any Keras cell.
        attention: a `BahdanauAttention` or `LuongAttention` layer.
        mode: `"bahdanau"` or `"luong"`, see above.
        attention_units: size of h~ in Luong mode (None: output [o_t; c_t]).
        input_feeding: feed h~_{t-1} with the input (Luong mode only).
        return_sequences: return all outputs, not only the last.
        return_alignments: also return the attention weights (batch, time,
            memory_time).
        return_state: also return the final states.

    Call arguments:
        inputs: (batch, time, features), the decoder inputs (for a
            translator, the embedded previous target words).
        memory: (batch, memory_time, memory_dim), the encoder states.
        memory_mask: optional boolean (batch, memory_time), False at padding.
        initial_state: optional list of the cell's states (the input-feeding
            vector, if any, starts at zero).
        mask: optional boolean (batch, time) mask of the decoder inputs.

    Example:

    >>> decoder = AttentionRNN(GRUCell(16), BahdanauAttention(8), return_alignments=True)
    >>> y, a = decoder(np.ones((2, 4, 3), "float32"), np.ones((2, 6, 5), "float32"))
    >>> y.shape, a.shape
    ((2, 4, 21), (2, 4, 6))
    """

    def __init__(
        self,
        cell,
        attention,
        mode="bahdanau",
        attention_units=None,
        input_feeding=True,
        return_sequences=True,
        return_alignments=False,
        return_state=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not hasattr(cell, "state_size") or not callable(cell):
            raise TypeError(f"`cell` must be a Keras RNN cell; received cell={cell!r}.")
        if not hasattr(attention, "project_memory"):
            raise TypeError(
                f"`attention` must be a BahdanauAttention or LuongAttention layer; received attention={attention!r}."
            )
        self.cell = cell
        self.attention = attention
        self.mode = v.one_of("mode", mode, {"bahdanau", "luong"})
        self.attention_units = v.optional_positive_int("attention_units", attention_units)
        if self.mode == "bahdanau" and attention_units is not None:
            raise ValueError(
                "`attention_units` applies to mode='luong' only; received it with mode='bahdanau'."
            )
        self.input_feeding = bool(input_feeding) and self.mode == "luong"
        self.return_sequences = bool(return_sequences)
        self.return_alignments = bool(return_alignments)
        self.return_state = bool(return_state)
        self.supports_masking = True

    # -- sizes -------------------------------------------------------------

    def _cell_output_size(self):
        size = getattr(self.cell, "output_size", None)
        return size if isinstance(size, int) else _flat_state_sizes(self.cell)[0]

    def _output_size(self, memory_dim):
        if self.mode == "luong" and self.attention_units:
            return self.attention_units
        return self._cell_output_size() + memory_dim

    def build(
        self, inputs_shape, memory_shape, memory_mask_shape=None, initial_state_shape=None, mask_shape=None
    ):
        x_dim, m_dim = inputs_shape[-1], memory_shape[-1]
        batch = inputs_shape[0]
        self.memory_dim = m_dim
        if self.mode == "bahdanau":
            query_dim = _flat_state_sizes(self.cell)[0]
            cell_in = x_dim + m_dim
        else:
            query_dim = self._cell_output_size()
            cell_in = x_dim + (self._output_size(m_dim) if self.input_feeding else 0)
        self._cell_input_dim = cell_in
        if not self.attention.built:
            self.attention.build((batch, query_dim), memory_shape)
        if not self.cell.built:
            self.cell.build((batch, cell_in))
        if self.mode == "luong" and self.attention_units:
            self.attention_kernel = self.add_weight(
                shape=(self._cell_output_size() + m_dim, self.attention_units),
                name="attention_kernel",
                initializer="glorot_uniform",
            )

    # -- one step ------------------------------------------------------------

    def get_initial_state(self, batch_size):
        """The cell's initial states, plus the zero input-feeding vector."""
        states = self.cell.get_initial_state(batch_size=batch_size)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        if self.input_feeding:
            states.append(
                ops.zeros((batch_size, self._output_size(self.memory_dim)), dtype=self.compute_dtype)
            )
        return states

    def _complete_states(self, states, batch_size):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        n_cell = len(_flat_state_sizes(self.cell))
        if self.input_feeding and len(states) == n_cell:
            states.append(ops.zeros((batch_size, self._output_size(self.memory_dim)), dtype=states[0].dtype))
        expected = n_cell + int(self.input_feeding)
        if len(states) != expected:
            raise ValueError(
                f"`initial_state` of {self.name} must hold the cell's {n_cell} state tensor(s); "
                f"received {len(states)}."
            )
        return states

    def prepare_memory(self, memory):
        """`attention.project_memory(memory)`: pass it to `step` as `keys`."""
        return self.attention.project_memory(memory)

    def step(self, inputs, states, memory, keys=None, memory_mask=None, training=False):
        """One decoder step.

        Args:
            inputs: (batch, features), the input at this step.
            states: the list of states (`get_initial_state` or the previous
                step's).
            memory, keys, memory_mask: the encoder memory, its projection
                (`prepare_memory`) and its mask.

        Returns:
            (output, new_states, alignment).
        """
        if keys is None:
            keys = self.prepare_memory(memory)
        n_cell = len(_flat_state_sizes(self.cell))
        cell_states = list(states[:n_cell])
        kwargs = {"training": training} if _has_training_arg(self.cell) else {}
        if self.mode == "bahdanau":
            context, alignment = self.attention(cell_states[0], memory, memory_mask=memory_mask, keys=keys)
            out, new_cell_states = self.cell(ops.concatenate([inputs, context], -1), cell_states, **kwargs)
            output = ops.concatenate([out, context], -1)
            new_states = _as_list(new_cell_states)
        else:
            cell_in = ops.concatenate([inputs, states[n_cell]], -1) if self.input_feeding else inputs
            out, new_cell_states = self.cell(cell_in, cell_states, **kwargs)
            context, alignment = self.attention(out, memory, memory_mask=memory_mask, keys=keys)
            output = ops.concatenate([out, context], -1)
            if self.attention_units:
                output = ops.tanh(ops.matmul(output, self.attention_kernel))
            new_states = _as_list(new_cell_states) + ([output] if self.input_feeding else [])
        return output, new_states, alignment

    # -- the whole sequence ------------------------------------------------

    def call(self, inputs, memory, memory_mask=None, initial_state=None, mask=None, training=False):
        if len(inputs.shape) != 3 or len(memory.shape) != 3:
            raise ValueError(
                f"AttentionRNN expects `inputs` (batch, time, features) and `memory` (batch, memory_time, "
                f"features); received shapes {tuple(inputs.shape)} and {tuple(memory.shape)}."
            )
        batch = ops.shape(inputs)[0]
        if initial_state is None:
            states = self.get_initial_state(batch)
        else:
            states = self._complete_states(initial_state, batch)
        keys = self.prepare_memory(memory)
        set_dropout_masks(
            self.cell, ops.zeros((batch, self._cell_input_dim), inputs.dtype), states[0], training
        )
        out_dim = self._output_size(memory.shape[-1])

        def step(x_t, step_states):
            output, new_states, alignment = self.step(
                x_t, list(step_states), memory, keys, memory_mask, training
            )
            return ops.concatenate([output, ops.cast(alignment, output.dtype)], -1), new_states

        last, outputs, final_states = time_loop(step, inputs, states, mask=mask, return_all_outputs=True)
        reset_dropout_masks(self.cell)
        result = [outputs[..., :out_dim] if self.return_sequences else last[..., :out_dim]]
        if self.return_alignments:
            result.append(outputs[..., out_dim:])
        if self.return_state:
            result.extend(final_states)
        return result[0] if len(result) == 1 else tuple(result)

    def compute_output_spec(
        self, inputs, memory, memory_mask=None, initial_state=None, mask=None, training=False
    ):
        batch, time = inputs.shape[0], inputs.shape[1]
        out_dim = self._output_size(memory.shape[-1])
        shape = (batch, time, out_dim) if self.return_sequences else (batch, out_dim)
        result = [keras.KerasTensor(shape, dtype=self.compute_dtype)]
        if self.return_alignments:
            result.append(keras.KerasTensor((batch, time, memory.shape[1]), dtype=self.compute_dtype))
        if self.return_state:
            sizes = _flat_state_sizes(self.cell) + ([out_dim] if self.input_feeding else [])
            result.extend(keras.KerasTensor((batch, size), dtype=self.compute_dtype) for size in sizes)
        return result[0] if len(result) == 1 else tuple(result)

    def compute_mask(self, inputs, memory, memory_mask=None, initial_state=None, mask=None):
        if not self.return_sequences:
            return None
        if self.return_alignments or self.return_state:
            return None
        return mask

    def get_config(self):
        config = {
            "cell": keras.saving.serialize_keras_object(self.cell),
            "attention": keras.saving.serialize_keras_object(self.attention),
            "mode": self.mode,
            "attention_units": self.attention_units,
            "input_feeding": self.input_feeding,
            "return_sequences": self.return_sequences,
            "return_alignments": self.return_alignments,
            "return_state": self.return_state,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["cell"] = keras.saving.deserialize_keras_object(config["cell"])
        config["attention"] = keras.saving.deserialize_keras_object(config["attention"])
        return cls(**config)


def _as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _has_training_arg(layer):
    return getattr(layer, "_call_has_training_arg", False)
