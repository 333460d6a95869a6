"""Long short-term memory: `LSTMCell` and `LSTM`, with optional peepholes and
layer normalization."""

import keras
from keras import ops

from zoo import validation as v
from zoo.layers.rnn.base import CellLayer, GatedCell


def _layer_norm(x, gamma, beta, groups, epsilon):
    # Normalize each of `groups` blocks of the last axis on its own.
    shape = ops.shape(x)
    x = ops.reshape(x, (*shape[:-1], groups, x.shape[-1] // groups))
    mean = ops.mean(x, axis=-1, keepdims=True)
    var = ops.mean(ops.square(x - mean), axis=-1, keepdims=True)
    x = ops.reshape((x - mean) * ops.rsqrt(var + epsilon), shape)
    x = x * gamma
    return x if beta is None else x + beta


@keras.saving.register_keras_serializable(package="zoo")
class LSTMCell(GatedCell):
    """LSTM cell (Hochreiter and Schmidhuber 1997, with the forget gate of
    Gers et al. 2000).

    Equations (gate order i, f, c, o on the last axis of `kernel`,
    `recurrent_kernel` and `bias`, exactly as `keras.layers.LSTMCell`):

        i_t = sig(x_t W_i + h_{t-1} U_i + p_i * c_{t-1} + b_i)
        f_t = sig(x_t W_f + h_{t-1} U_f + p_f * c_{t-1} + b_f)
        g_t = act(x_t W_c + h_{t-1} U_c + b_c)
        c_t = f_t * c_{t-1} + i_t * g_t
        o_t = sig(x_t W_o + h_{t-1} U_o + p_o * c_t + b_o)
        h_t = o_t * act(c_t)

    The peephole terms p (Gers and Schmidhuber 2000, diagonal weights
    `peephole_i/f/o`) are present only with `use_peepholes=True`.

    With `layer_norm=True` (Ba, Kiros and Hinton 2016, eqs. 20-22) the two
    projections are normalized separately, each gate block on its own, and
    the cell state before the output nonlinearity:

        [i, f, g, o] = LN(h_{t-1} U; gamma_h) + LN(x_t W; gamma_x) + b
        h_t = o_t * act(LN(c_t; gamma_c, beta_c))

    The input-side normalization depends on x only, so it runs once over the
    whole sequence on the fused path.

    Args:
        units: size of the hidden and cell states.
        activation: the cell and output nonlinearity (default tanh).
        recurrent_activation: the gate nonlinearity (default sigmoid).
        unit_forget_bias: add 1 to the forget-gate bias at initialization
            (Jozefowicz et al. 2015). Default True.
        use_peepholes: add the diagonal peephole connections.
        layer_norm: apply layer normalization as above.
        layer_norm_epsilon: the epsilon of the normalization.
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> cell = LSTMCell(8, use_peepholes=True)
    >>> h, (h, c) = cell(np.ones((2, 3), "float32"), cell.get_initial_state(2))

    Reference:
        Hochreiter and Schmidhuber, "Long short-term memory", 1997.
        Gers, Schmidhuber and Cummins, "Learning to forget", 2000.
        Gers and Schmidhuber, "Recurrent nets that time and count", 2000.
        Ba, Kiros and Hinton, "Layer normalization", arXiv:1607.06450, 2016.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        use_peepholes=False,
        layer_norm=False,
        layer_norm_epsilon=1e-5,
        **kwargs,
    ):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.use_peepholes = bool(use_peepholes)
        self.layer_norm = bool(layer_norm)
        self.layer_norm_epsilon = v.positive("layer_norm_epsilon", layer_norm_epsilon)
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        u = self.units
        self._add_kernels(input_shape[-1], 4 * u)
        bias_initializer = None
        if self.use_bias and self.unit_forget_bias:
            base = self.bias_initializer

            def bias_initializer(shape, dtype=None):
                return ops.concatenate(
                    [base((u,), dtype=dtype), ops.ones((u,), dtype=dtype), base((2 * u,), dtype=dtype)]
                )

        self._add_bias((4 * u,), bias_initializer)
        if self.use_peepholes:
            for gate in ("i", "f", "o"):
                setattr(
                    self,
                    f"peephole_{gate}",
                    self.add_weight(shape=(u,), name=f"peephole_{gate}", initializer="zeros"),
                )
        if self.layer_norm:
            self.gamma_x = self.add_weight(shape=(4 * u,), name="gamma_x", initializer="ones")
            self.gamma_h = self.add_weight(shape=(4 * u,), name="gamma_h", initializer="ones")
            self.gamma_c = self.add_weight(shape=(u,), name="gamma_c", initializer="ones")
            self.beta_c = self.add_weight(shape=(u,), name="beta_c", initializer="zeros")

    def project_inputs(self, inputs):
        if not self.layer_norm:
            return super().project_inputs(inputs)
        x = ops.matmul(inputs, self.kernel)
        x = _layer_norm(x, self.gamma_x, None, 4, self.layer_norm_epsilon)
        return x if self.bias is None else x + self.bias

    def step(self, projected, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        r = ops.matmul(self.recurrent_input(h_tm1, training), self.recurrent_kernel)
        if self.layer_norm:
            r = _layer_norm(r, self.gamma_h, None, 4, self.layer_norm_epsilon)
        z_i, z_f, z_c, z_o = ops.split(projected + r, 4, axis=-1)
        if self.use_peepholes:
            z_i = z_i + self.peephole_i * c_tm1
            z_f = z_f + self.peephole_f * c_tm1
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        if self.use_peepholes:
            z_o = z_o + self.peephole_o * c
        o = self.recurrent_activation(z_o)
        c_out = c
        if self.layer_norm:
            c_out = _layer_norm(c, self.gamma_c, self.beta_c, 1, self.layer_norm_epsilon)
        h = o * self.activation(c_out)
        return h, [h, c]

    def get_config(self):
        config = {
            "unit_forget_bias": self.unit_forget_bias,
            "use_peepholes": self.use_peepholes,
            "layer_norm": self.layer_norm,
            "layer_norm_epsilon": self.layer_norm_epsilon,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class LSTM(CellLayer):
    """LSTM layer, the sequence layer of `LSTMCell` on the fused path.

    Takes the arguments of `LSTMCell` and of `zoo.layers.RNN`. With the
    default arguments it equals `keras.layers.LSTM` given the same weights
    (outputs, states and gradients), and unlike the Keras layer on a GPU it
    never falls back to a cuDNN kernel, so `jit_compile=True` stays on.

    Example:

    >>> lstm = LSTM(16, return_sequences=True, return_state=True)
    >>> y, h, c = lstm(np.ones((2, 10, 3), "float32"))
    >>> y.shape, h.shape, c.shape
    ((2, 10, 16), (2, 16), (2, 16))
    """

    cell_class = LSTMCell
