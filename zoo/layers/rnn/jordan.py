"""Jordan network: the previous output, not the hidden state, is fed back."""

import keras
from keras import ops

from zoo import validation as v
from zoo.layers.rnn.base import CellLayer, RecurrentCell


@keras.saving.register_keras_serializable(package="zoo")
class JordanCell(RecurrentCell):
    """Jordan cell: output recurrence through "state units".

    Equations (x_t input, h_t hidden layer, y_t output, s_t state units):

        h_t = act(x_t W + s_{t-1} U + b)
        y_t = out_act(h_t V + c)
        s_t = mu * s_{t-1} + y_t

    With the default `state_decay` mu = 0, s_{t-1} = y_{t-1}: the previous
    output is fed back (h_{t-1} is not). mu > 0 gives Jordan's state units
    with self-connections, an exponential trace of past outputs.

    Weights: `kernel` W (input_dim, units), `recurrent_kernel` U
    (output_units, units), `bias` b (units,), `output_kernel` V
    (units, output_units), `output_bias` c (output_units,). The cell's output
    and its state both have size `output_units`.

    Args:
        units: size of the hidden layer.
        output_units: size of the output y (and of the fed-back state).
        activation: hidden nonlinearity (default tanh).
        output_activation: output nonlinearity (default tanh; use "softmax"
            or "sigmoid" for Jordan's original plan units).
        state_decay: mu in [0, 1), the self-connection of the state units.
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> cell = JordanCell(16, output_units=3)
    >>> keras.layers.RNN(cell)(np.ones((2, 5, 4), "float32")).shape
    (2, 3)

    Reference:
        Jordan, "Serial order: a parallel distributed processing approach",
        ICS Report 8604, 1986.
    """

    def __init__(
        self,
        units,
        output_units,
        activation="tanh",
        output_activation="tanh",
        state_decay=0.0,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.output_units = v.positive_int("output_units", output_units)
        self.activation = keras.activations.get(activation)
        self.output_activation = keras.activations.get(output_activation)
        self.state_decay = v.rate("state_decay", state_decay)
        self.state_size = self.output_units
        self.output_size = self.output_units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], self.units, recurrent_rows=self.output_units)
        self._add_bias((self.units,))
        self.output_kernel = self._add_matrix("output_kernel", (self.units, self.output_units))
        self.output_bias = None
        if self.use_bias:
            self.output_bias = self.add_weight(
                shape=(self.output_units,),
                name="output_bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def step(self, projected, states, training=False):
        s_tm1 = states[0]
        h = self.activation(
            projected + ops.matmul(self.recurrent_input(s_tm1, training), self.recurrent_kernel)
        )
        y = ops.matmul(h, self.output_kernel)
        if self.output_bias is not None:
            y = y + self.output_bias
        y = self.output_activation(y)
        s = y + self.state_decay * s_tm1 if self.state_decay else y
        return y, [s]

    def get_config(self):
        config = {
            "output_units": self.output_units,
            "activation": keras.activations.serialize(self.activation),
            "output_activation": keras.activations.serialize(self.output_activation),
            "state_decay": self.state_decay,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class Jordan(CellLayer):
    """Jordan recurrent layer, the sequence layer of `JordanCell`.

    Example:

    >>> Jordan(16, output_units=3, return_sequences=True)(np.ones((2, 7, 4), "float32")).shape
    (2, 7, 3)
    """

    cell_class = JordanCell
