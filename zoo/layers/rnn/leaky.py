"""Leaky-integrator (multi-timescale) units with optional delayed skip
connections: `LeakyCell` and `Leaky`."""

import keras
import numpy as np
from keras import ops

from zoo import validation as v
from zoo.layers.rnn.base import CellLayer, RecurrentCell

_EPS = 1e-4


def _leak_rates(units, leak_rate):
    try:
        rates = np.asarray(leak_rate, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(
            f"`leak_rate` must be a number or a sequence of {units} numbers; received leak_rate={leak_rate!r}."
        ) from None
    if rates.ndim == 0:
        rates = np.full((units,), float(rates))
    if rates.shape != (units,):
        raise ValueError(
            f"`leak_rate` must be a number or hold one rate per unit ({units}); "
            f"received {rates.shape[0] if rates.ndim == 1 else rates.shape} values."
        )
    if not np.all((rates > 0) & (rates <= 1)):
        raise ValueError(f"Every `leak_rate` must be in (0, 1]; received leak_rate={rates.tolist()!r}.")
    return rates


@keras.saving.register_keras_serializable(package="zoo")
class LeakyCell(RecurrentCell):
    """Leaky-integrator units, each with its own timescale.

    Equations (alpha_j in (0, 1] the leak rate of unit j, 1 / alpha_j its time
    constant in steps; the h_{t-tau} term only with `skip_length=tau`):

        n_t = act(x_t W + h_{t-1} U + h_{t-tau} U_tau + b)
        h_t = (1 - alpha) * h_{t-1} + alpha * n_t

    alpha = 1 everywhere is the Elman cell. Rates spread over several orders
    of magnitude (for example `np.geomspace(1, 0.01, units)`) give a
    multi-timescale network whose slow units carry information over long
    spans. With `learn_leak_rate=True` the rates are trained, parametrized as
    alpha = sigmoid(w) (initialized from `leak_rate`, clipped to
    [1e-4, 1 - 1e-4]).

    The delayed skip connection `U_tau` (`skip_kernel`) feeds the state of
    tau steps ago straight into the update, shortening the path the gradient
    travels by a factor of tau. The cell then carries the last tau states as a
    second state tensor of size tau * units (newest first).

    Args:
        units: number of units.
        leak_rate: a number or one number per unit, in (0, 1].
        learn_leak_rate: train the leak rates.
        skip_length: None, or an integer tau >= 2 for a delayed connection
            from h_{t-tau}.
        activation: the nonlinearity (default tanh).
        **kwargs: the arguments common to all zoo cells, see `RecurrentCell`.

    Example:

    >>> cell = LeakyCell(16, leak_rate=np.geomspace(1, 0.01, 16), skip_length=4)
    >>> keras.layers.RNN(cell)(np.ones((2, 10, 3), "float32")).shape
    (2, 16)

    Reference:
        Jaeger et al., "Optimization and applications of echo state networks
        with leaky-integrator neurons", Neural Networks 2007.
        El Hihi and Bengio, "Hierarchical recurrent neural networks for
        long-term dependencies", NIPS 1996 (delays and multiple timescales).
        Lin, Horne, Tino and Giles, "Learning long-term dependencies in NARX
        recurrent neural networks", IEEE TNN 1996 (delayed connections).
    """

    def __init__(
        self,
        units,
        leak_rate=1.0,
        learn_leak_rate=False,
        skip_length=None,
        activation="tanh",
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self._rates = _leak_rates(self.units, leak_rate)
        self.leak_rate = (
            float(self._rates[0]) if np.all(self._rates == self._rates[0]) else self._rates.tolist()
        )
        self.learn_leak_rate = bool(learn_leak_rate)
        self.skip_length = v.optional_positive_int("skip_length", skip_length)
        if self.skip_length is not None and self.skip_length < 2:
            raise ValueError(
                f"`skip_length` must be None or >= 2 (1 is the ordinary recurrence); "
                f"received skip_length={skip_length!r}."
            )
        self.activation = keras.activations.get(activation)
        if self.skip_length:
            self.state_size = [self.units, self.skip_length * self.units]
        else:
            self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], self.units)
        self._add_bias((self.units,))
        if self.skip_length:
            self.skip_kernel = self._add_matrix("skip_kernel", (self.units, self.units), kind="recurrent")
        if self.learn_leak_rate:
            p = np.clip(self._rates, _EPS, 1 - _EPS)
            logits = np.log(p) - np.log1p(-p)
            self.leak_logit = self.add_weight(
                shape=(self.units,), name="leak_logit", initializer=keras.initializers.Constant(0.0)
            )
            self.leak_logit.assign(logits.astype(self.leak_logit.dtype))
        else:
            self.leak_rates = self.add_weight(
                shape=(self.units,), name="leak_rates", initializer="ones", trainable=False
            )
            self.leak_rates.assign(self._rates.astype(self.leak_rates.dtype))

    def rates(self):
        """The current leak rates alpha, shape (units,)."""
        return (
            ops.sigmoid(self.leak_logit) if self.learn_leak_rate else ops.convert_to_tensor(self.leak_rates)
        )

    def step(self, projected, states, training=False):
        h_tm1 = states[0]
        pre = projected + ops.matmul(self.recurrent_input(h_tm1, training), self.recurrent_kernel)
        if self.skip_length:
            history = states[1]  # (batch, tau * units): h_{t-1}, ..., h_{t-tau}
            h_tau = history[:, (self.skip_length - 1) * self.units :]
            pre = pre + ops.matmul(h_tau, self.skip_kernel)
        alpha = ops.cast(self.rates(), pre.dtype)
        h = (1 - alpha) * h_tm1 + alpha * self.activation(pre)
        if self.skip_length:
            history = ops.concatenate([h, history[:, : (self.skip_length - 1) * self.units]], axis=-1)
            return h, [h, history]
        return h, [h]

    def get_config(self):
        config = {
            "leak_rate": self.leak_rate,
            "learn_leak_rate": self.learn_leak_rate,
            "skip_length": self.skip_length,
            "activation": keras.activations.serialize(self.activation),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="zoo")
class Leaky(CellLayer):
    """Leaky-integrator recurrent layer, the sequence layer of `LeakyCell`.

    Example:

    >>> Leaky(8, leak_rate=0.1)(np.ones((2, 20, 3), "float32")).shape
    (2, 8)
    """

    cell_class = LeakyCell
