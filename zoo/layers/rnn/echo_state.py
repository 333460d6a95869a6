"""Echo state networks: `EchoStateCell`, `EchoState` and the closed-form
ridge readout."""

import keras
import numpy as np
from keras import ops

from zoo import validation as v
from zoo.layers.rnn.base import CellLayer, RecurrentCell, spectral_radius


@keras.saving.register_keras_serializable(package="zoo")
class EchoStateCell(RecurrentCell):
    """Echo state reservoir: fixed random weights, leaky tanh units.

    Equations (a the leak rate):

        h_t = (1 - a) * h_{t-1} + a * tanh(x_t W_in + h_{t-1} W + b)

    W (`recurrent_kernel`, units x units) is sparse: each entry is non-zero
    with probability `connectivity`, drawn uniformly in [-1, 1], then the
    matrix is rescaled so its spectral radius (largest absolute eigenvalue) is
    exactly `spectral_radius`. W_in (`kernel`) is dense, uniform in
    [-input_scaling, input_scaling]; b uniform in [-bias_scaling, bias_scaling].
    None of these train: only a readout on the states does (see
    `fit_ridge_readout`, or put a `Dense` layer after the `EchoState` layer and
    train it with `fit`).

    With leak rate a, the linearization of the update at the origin is
    (1 - a) I + a W; `effective_spectral_radius()` returns its spectral
    radius, the quantity the echo state property depends on for leaky units
    (Jaeger et al. 2007).

    Args:
        units: reservoir size.
        spectral_radius: the spectral radius W is rescaled to, > 0 (usually
            just under 1).
        connectivity: fraction of non-zero recurrent weights, in (0, 1].
        leak_rate: a in (0, 1].
        input_scaling: half-width of the input weight distribution, > 0.
        bias_scaling: half-width of the bias distribution, >= 0.
        activation: the nonlinearity (default tanh).
        seed: integer seed of the reservoir; drawn at random and stored in the
            config when None, so a saved model rebuilds the same reservoir.
        **kwargs: `dropout`, `recurrent_dropout` and the base layer arguments.

    Example:

    >>> esn = EchoState(100, spectral_radius=0.9, return_sequences=True)
    >>> states = esn(np.random.rand(1, 50, 1).astype("float32"))
    >>> readout = fit_ridge_readout(states, np.zeros((1, 50, 1)), ridge=1e-6)

    Reference:
        Jaeger, "The echo state approach to analysing and training recurrent
        neural networks", GMD Report 148, 2001.
        Jaeger and Haas, "Harnessing nonlinearity", Science 2004.
        Lukosevicius, "A practical guide to applying echo state networks",
        2012.
    """

    def __init__(
        self,
        units,
        spectral_radius=0.9,
        connectivity=0.1,
        leak_rate=1.0,
        input_scaling=1.0,
        bias_scaling=0.0,
        activation="tanh",
        seed=None,
        **kwargs,
    ):
        for key in ("kernel_initializer", "recurrent_initializer", "bias_initializer", "use_bias"):
            if key in kwargs:
                raise ValueError(
                    f"EchoStateCell draws its own fixed weights; `{key}` is not accepted "
                    f"(received {key}={kwargs[key]!r}). Use `input_scaling`, "
                    "`spectral_radius`, `connectivity` and `bias_scaling`."
                )
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        super().__init__(units, seed=seed, **kwargs)
        self.spectral_radius = v.positive("spectral_radius", spectral_radius)
        self.connectivity = v.unit_interval("connectivity", connectivity)
        self.leak_rate = v.unit_interval("leak_rate", leak_rate)
        self.input_scaling = v.positive("input_scaling", input_scaling)
        self.bias_scaling = v.number("bias_scaling", bias_scaling)
        if self.bias_scaling < 0:
            raise ValueError(f"`bias_scaling` must be >= 0; received bias_scaling={bias_scaling!r}.")
        self.activation = keras.activations.get(activation)
        self.state_size = self.units
        self.output_size = self.units

    def _reservoir(self, input_dim):
        rng = np.random.default_rng(self.seed)
        w_in = rng.uniform(-self.input_scaling, self.input_scaling, (input_dim, self.units))
        w = rng.uniform(-1.0, 1.0, (self.units, self.units))
        w *= rng.random((self.units, self.units)) < self.connectivity
        radius = spectral_radius(w)
        if radius < 1e-12:
            raise ValueError(
                f"The random reservoir drawn with connectivity={self.connectivity} and "
                f"units={self.units} has no non-zero eigenvalue; raise `connectivity`."
            )
        w *= self.spectral_radius / radius
        b = rng.uniform(-self.bias_scaling, self.bias_scaling, (self.units,))
        return w_in, w, b

    def build(self, input_shape):
        w_in, w, b = self._reservoir(input_shape[-1])
        for name, value in (("kernel", w_in), ("recurrent_kernel", w), ("bias", b)):
            weight = self.add_weight(shape=value.shape, name=name, initializer="zeros", trainable=False)
            weight.assign(value.astype(weight.dtype))
            setattr(self, name, weight)

    def step(self, projected, states, training=False):
        h_tm1 = states[0]
        pre = projected + ops.matmul(self.recurrent_input(h_tm1, training), self.recurrent_kernel)
        h = (1 - self.leak_rate) * h_tm1 + self.leak_rate * self.activation(pre)
        return h, [h]

    def effective_spectral_radius(self):
        """Spectral radius of (1 - a) I + a W, the leaky update's Jacobian at 0."""
        w = np.asarray(keras.ops.convert_to_numpy(self.recurrent_kernel), dtype="float64")
        return spectral_radius((1 - self.leak_rate) * np.eye(self.units) + self.leak_rate * w)

    def get_config(self):
        config = super().get_config()
        for key in ("kernel_initializer", "recurrent_initializer", "bias_initializer", "use_bias"):
            config.pop(key)
        config.update(
            {
                "spectral_radius": self.spectral_radius,
                "connectivity": self.connectivity,
                "leak_rate": self.leak_rate,
                "input_scaling": self.input_scaling,
                "bias_scaling": self.bias_scaling,
                "activation": keras.activations.serialize(self.activation),
            }
        )
        return config


@keras.saving.register_keras_serializable(package="zoo")
class EchoState(CellLayer):
    """Echo state network layer, the sequence layer of `EchoStateCell`.

    Returns the reservoir states; add a trained readout after it.

    Example:

    >>> EchoState(50, return_sequences=True)(np.ones((2, 10, 1), "float32")).shape
    (2, 10, 50)
    """

    cell_class = EchoStateCell


def ridge_regression(states, targets, ridge=1e-6):
    """Closed-form ridge regression with an unpenalized bias.

    Solves min ||[X 1] [W; b] - Y||^2 + ridge ||W||^2 in float64.

    Args:
        states: array (n, features).
        targets: array (n, outputs).
        ridge: the penalty, >= 0.

    Returns:
        (W, b): arrays (features, outputs) and (outputs,).
    """
    x = np.asarray(states, dtype="float64")
    y = np.asarray(targets, dtype="float64")
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"`states` and `targets` must be 2-D with the same number of rows; "
            f"received shapes {x.shape} and {y.shape}."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("`states` and `targets` must be finite; received NaN or inf values.")
    ridge = v.number("ridge", ridge)
    if ridge < 0:
        raise ValueError(f"`ridge` must be >= 0; received ridge={ridge!r}.")
    x1 = np.concatenate([x, np.ones((x.shape[0], 1))], axis=1)
    penalty = ridge * np.eye(x1.shape[1])
    penalty[-1, -1] = 0.0
    solution = np.linalg.lstsq(x1.T @ x1 + penalty, x1.T @ y, rcond=None)[0]
    return solution[:-1], solution[-1]


def fit_ridge_readout(states, targets, ridge=1e-6, washout=0):
    """Fit a linear readout on reservoir states in closed form.

    Args:
        states: reservoir states, (batch, time, units) or (samples, units).
        targets: the wanted outputs, (batch, time, outputs) or
            (samples, outputs), aligned with `states`.
        ridge: the ridge penalty (Tikhonov regularization), >= 0.
        washout: number of initial timesteps of each sequence left out of the
            fit (the reservoir's transient), only for 3-D inputs.

    Returns:
        A built `keras.layers.Dense` whose weights are the ridge solution;
        apply it to the states to read out.
    """
    x = np.asarray(keras.ops.convert_to_numpy(states))
    y = np.asarray(keras.ops.convert_to_numpy(targets))
    if x.ndim != y.ndim or x.ndim not in (2, 3):
        raise ValueError(
            f"`states` and `targets` must both be 2-D or both 3-D; received shapes {x.shape} and {y.shape}."
        )
    washout = int(washout)
    if washout < 0 or (x.ndim == 3 and washout >= x.shape[1]):
        raise ValueError(f"`washout` must be in [0, time); received washout={washout!r}.")
    if x.ndim == 3:
        x = x[:, washout:].reshape(-1, x.shape[-1])
        y = y[:, washout:].reshape(-1, y.shape[-1])
    w, b = ridge_regression(x, y, ridge)
    readout = keras.layers.Dense(y.shape[-1], name="ridge_readout")
    readout.build((None, x.shape[-1]))
    readout.set_weights([w.astype("float32"), b.astype("float32")])
    return readout
