"""Internal Memory Gate (IMG) unit: `IMGCell` and `IMG`.

Implementation notes: the IMG paper's equations could not be obtained here
(only its abstract and the BIMG abstract are reachable, see the class
docstring). The cell below is a reconstruction from those abstracts, not the
paper's text.
"""

import keras
from keras import ops

from zoo.layers.rnn.base import CellLayer, GatedCell


@keras.saving.register_keras_serializable(package="zoo")
class IMGCell(GatedCell):
    """Internal Memory Gate cell (Morchid 2017), as reconstructed here.

    What the sources say: the IMG abstract (Interspeech 2017) describes a cell
    that "takes advantage of LSTM, GRU (short- and long-term dependencies)
    and the LU (fast learning)", the leaky unit LU being "a GRU with a single
    gate (update)", and reports 19% and 50% less processing time than GRU and
    LSTM. The BIMG abstract (Int. J. Speech Technology 2020) says IMG cells
    are "made of an unique gate managing short- and long-term dependencies".
    The full text with the equations was not available to us.

    Reconstruction (ours): one gate g, used both inside the memory read (the
    GRU's reset role, short-term) and as the leaky update (the LU's role,
    long-term):

        g_t = sig(x_t W_g + h_{t-1} U_g + b_g)
        n_t = act(x_t W_n + (g_t * h_{t-1}) U_n + b_n)
        h_t = (1 - g_t) * h_{t-1} + g_t * n_t

    Two weight blocks (gate order g, n on the last axis of `kernel`,
    `recurrent_kernel`, `bias`) instead of the GRU's three and the LSTM's
    four, consistent with the reported speed-ups. This form coincides with the
    Minimal Gated Unit of Zhou et al. (2016).

    Args:
        units: size of the state.
        activation: candidate nonlinearity (default tanh).
        recurrent_activation: gate nonlinearity (default sigmoid).
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> keras.layers.RNN(IMGCell(8))(np.ones((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Morchid, "Internal memory gate for recurrent neural networks with
        application to spoken language understanding", Interspeech 2017,
        doi:10.21437/Interspeech.2017-357 (abstract).
        Morchid, "Bidirectional internal memory gate recurrent neural networks
        for spoken language understanding", Int. J. Speech Technology 2020,
        doi:10.1007/s10772-020-09708-9 (abstract).
        Zhou, Wu, Zhang and Zhou, "Minimal gated unit for recurrent neural
        networks", IJAC 2016.
    """

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 2 * self.units)
        self._add_bias((2 * self.units,))

    def step(self, projected, states, training=False):
        u = self.units
        h_tm1 = states[0]
        h_in = self.recurrent_input(h_tm1, training)
        x_g, x_n = ops.split(projected, 2, axis=-1)
        g = self.recurrent_activation(x_g + ops.matmul(h_in, self.recurrent_kernel[:, :u]))
        n = self.activation(x_n + ops.matmul(g * h_in, self.recurrent_kernel[:, u:]))
        h = (1 - g) * h_tm1 + g * n
        return h, [h]


@keras.saving.register_keras_serializable(package="zoo")
class IMG(CellLayer):
    """IMG recurrent layer, the sequence layer of `IMGCell` (a reconstruction,
    see `IMGCell`). `keras.layers.Bidirectional(IMG(...))` is the BIMG.

    Example:

    >>> IMG(16, return_sequences=True)(np.ones((2, 10, 3), "float32")).shape
    (2, 10, 16)
    """

    cell_class = IMGCell
