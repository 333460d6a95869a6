"""Gated recurrent unit: `GRUCell` and `GRU`."""

import keras
from keras import ops

from zoo.layers.rnn.base import CellLayer, GatedCell


@keras.saving.register_keras_serializable(package="zoo")
class GRUCell(GatedCell):
    """GRU cell (Cho et al. 2014), both placements of the reset gate.

    Gate order z (update), r (reset), h (candidate) on the last axis of
    `kernel` (input_dim, 3 units) and `recurrent_kernel` (units, 3 units), as
    in `keras.layers.GRUCell`, so weights interchange.

    With `reset_after=True` (the default, the cuDNN variant of Cho et al.
    arXiv:1406.1078v1) the reset gate multiplies the recurrent projection, and
    `bias` has shape (2, 3 units): row 0 the input bias b, row 1 the
    recurrent bias b':

        z_t = sig(x_t W_z + b_z + h_{t-1} U_z + b'_z)
        r_t = sig(x_t W_r + b_r + h_{t-1} U_r + b'_r)
        n_t = act(x_t W_h + b_h + r_t * (h_{t-1} U_h + b'_h))
        h_t = z_t * h_{t-1} + (1 - z_t) * n_t

    With `reset_after=False` (the paper's v3 formulation) the reset gate
    multiplies the state before the projection and `bias` has shape
    (3 units,):

        n_t = act(x_t W_h + b_h + (r_t * h_{t-1}) U_h)

    Args:
        units: size of the state.
        activation: the candidate nonlinearity (default tanh).
        recurrent_activation: the gate nonlinearity (default sigmoid).
        reset_after: where the reset gate is applied, see above.
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> cell = GRUCell(8, reset_after=False)
    >>> keras.layers.RNN(cell)(np.ones((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Cho et al., "Learning phrase representations using RNN encoder-decoder
        for statistical machine translation", EMNLP 2014.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        reset_after=True,
        **kwargs,
    ):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 3 * self.units)
        self._add_bias((2, 3 * self.units) if self.reset_after else (3 * self.units,))

    def project_inputs(self, inputs):
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        return x

    def step(self, projected, states, training=False):
        u = self.units
        h_tm1 = states[0]
        h_in = self.recurrent_input(h_tm1, training)
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        if self.reset_after:
            inner = ops.matmul(h_in, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            n = self.activation(x_h + r * r_h)
        else:
            inner = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * u])
            z = self.recurrent_activation(x_z + inner[:, :u])
            r = self.recurrent_activation(x_r + inner[:, u:])
            n = self.activation(x_h + ops.matmul(r * h_in, self.recurrent_kernel[:, 2 * u :]))
        h = z * h_tm1 + (1 - z) * n
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


@keras.saving.register_keras_serializable(package="zoo")
class GRU(CellLayer):
    """GRU layer, the sequence layer of `GRUCell` on the fused path.

    Takes the arguments of `GRUCell` and of `zoo.layers.RNN`; equal to
    `keras.layers.GRU` with the same `reset_after` and weights.

    Example:

    >>> GRU(16, return_sequences=True)(np.ones((2, 10, 3), "float32")).shape
    (2, 10, 16)
    """

    cell_class = GRUCell
