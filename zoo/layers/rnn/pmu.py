"""Parsimonious Memory Unit (PMU): `PMUCell` and `PMU`.

Implementation notes: the PMU paper's equations could not be obtained here
(only its abstract is reachable, see the class docstring). The cell below is
a reconstruction from the abstract, not the paper's text.
"""

import keras
from keras import ops

from zoo.layers.rnn.base import CellLayer, GatedCell


@keras.saving.register_keras_serializable(package="zoo")
class PMUCell(GatedCell):
    """Parsimonious Memory Unit (Morchid 2018), as reconstructed here.

    What the source says: the PMU abstract (Neurocomputing 2018) criticizes
    the GRU's "gates grouping without taking into account the latent
    relations between short and long-term dependencies", builds on "the
    strong assumption that short and long-term dependencies are related and
    that the role of each hidden neuron has to be different", and reports
    similar or better accuracy than the GRU with about 50% less processing
    time. The full text with the equations was not available to us.

    Reconstruction (ours): one gate per neuron that depends on that neuron's
    own past only (a diagonal recurrent weight u_z, so each neuron settles its
    own timescale), and that rules both the short-term read of the memory and
    the long-term update (the two are "related"):

        z_t = sig(x_t W_z + u_z * h_{t-1} + b_z)
        n_t = act(x_t W_n + (z_t * h_{t-1}) U_n + b_n)
        h_t = z_t * n_t + (1 - z_t) * h_{t-1}

    One full recurrent matmul per step (the GRU has three blocks, the IMG
    reconstruction two). Weights: `kernel` (input_dim, 2 units, order z, n),
    `recurrent_kernel` U_n (units, units), `gate_recurrent` u_z (units,),
    `bias` (2 units,).

    Args:
        units: size of the state.
        activation: candidate nonlinearity (default tanh).
        recurrent_activation: gate nonlinearity (default sigmoid).
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> keras.layers.RNN(PMUCell(8))(np.ones((2, 5, 3), "float32")).shape
    (2, 8)

    Reference:
        Morchid, "Parsimonious memory unit for recurrent neural networks with
        application to natural language processing", Neurocomputing 314,
        2018, doi:10.1016/j.neucom.2018.05.081 (abstract).
    """

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 2 * self.units, recurrent_width=self.units)
        self.gate_recurrent = self.add_weight(
            shape=(self.units,),
            name="gate_recurrent",
            initializer=keras.initializers.RandomUniform(-1.0, 1.0),
            regularizer=self.recurrent_regularizer,
        )
        self._add_bias((2 * self.units,))

    def step(self, projected, states, training=False):
        h_tm1 = states[0]
        h_in = self.recurrent_input(h_tm1, training)
        x_z, x_n = ops.split(projected, 2, axis=-1)
        z = self.recurrent_activation(x_z + self.gate_recurrent * h_in)
        n = self.activation(x_n + ops.matmul(z * h_in, self.recurrent_kernel))
        h = z * n + (1 - z) * h_tm1
        return h, [h]


@keras.saving.register_keras_serializable(package="zoo")
class PMU(CellLayer):
    """PMU recurrent layer, the sequence layer of `PMUCell` (a reconstruction,
    see `PMUCell`).

    Example:

    >>> PMU(16, return_sequences=True)(np.ones((2, 10, 3), "float32")).shape
    (2, 10, 16)
    """

    cell_class = PMUCell
