"""Elman network: `SimpleRNNCell` and `SimpleRNN` (with the IRNN recipe)."""

import keras
from keras import ops

from zoo.layers.rnn.base import CellLayer, RecurrentCell


@keras.saving.register_keras_serializable(package="zoo")
class SimpleRNNCell(RecurrentCell):
    """Elman cell: the hidden state is fed back.

    Equations (x_t input, h_t state and output):

        h_t = act(x_t W + h_{t-1} U + b)

    `kernel` is W (input_dim, units), `recurrent_kernel` is U (units, units),
    `bias` is b: the same names and shapes as `keras.layers.SimpleRNNCell`, so
    weights interchange.

    The IRNN of Le et al. (2015) is `activation="relu"` with
    `recurrent_initializer="identity"` (and zero bias, the default): the
    recurrence starts as the identity so gradients neither vanish nor explode
    at first.

    Args:
        units: size of the state.
        activation: `"tanh"` (default) or `"relu"` (or any Keras activation).
        **kwargs: the arguments common to all zoo cells (`use_bias`,
            initializers, regularizers, constraints, `dropout`,
            `recurrent_dropout`, `seed`), see `RecurrentCell`.

    Example:

    >>> cell = SimpleRNNCell(4, activation="relu", recurrent_initializer="identity")
    >>> keras.layers.RNN(cell)(np.ones((2, 3, 5), "float32")).shape
    (2, 4)

    Reference:
        Elman, "Finding structure in time", Cognitive Science 1990.
        Le, Jaitly and Hinton, "A simple way to initialize recurrent networks
        of rectified linear units", arXiv:1504.00941, 2015.
    """

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, **kwargs)
        self.activation = keras.activations.get(activation)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], self.units)
        self._add_bias((self.units,))

    def step(self, projected, states, training=False):
        h_tm1 = self.recurrent_input(states[0], training)
        h = self.activation(projected + ops.matmul(h_tm1, self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        config = {"activation": keras.activations.serialize(self.activation)}
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class SimpleRNN(CellLayer):
    """Elman recurrent layer, the sequence layer of `SimpleRNNCell`.

    Takes the arguments of `SimpleRNNCell` and of `zoo.layers.RNN`
    (`return_sequences`, `return_state`, `go_backwards`, `stateful`, `unroll`).
    Equal to `keras.layers.SimpleRNN` given the same weights.

    Example:

    >>> irnn = SimpleRNN(32, activation="relu", recurrent_initializer="identity")
    >>> irnn(np.ones((2, 10, 3), "float32")).shape
    (2, 32)
    """

    cell_class = SimpleRNNCell


ElmanCell = SimpleRNNCell
Elman = SimpleRNN
