import keras
import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing
from zoo.data import mackey_glass
from zoo.layers.rnn.base import spectral_radius


def test_basics(tmp_path):
    # Nothing trains in a reservoir: no fit step.
    testing.run_layer_test(
        layers.EchoState,
        {"units": 20, "seed": 1, "return_sequences": True},
        (2, 5, 3),
        (2, 5, 20),
        tmp_dir=tmp_path,
        fit=False,
    )


@pytest.mark.parametrize("radius", [0.5, 0.95, 1.3])
@pytest.mark.parametrize("leak", [1.0, 0.3])
def test_spectral_radius(radius, leak):
    cell = layers.EchoStateCell(200, spectral_radius=radius, connectivity=0.1, leak_rate=leak, seed=7)
    cell.build((None, 2))
    w = keras.ops.convert_to_numpy(cell.recurrent_kernel)
    np.testing.assert_allclose(spectral_radius(w), radius, rtol=1e-5)
    density = np.mean(w != 0)
    assert 0.07 < density < 0.13
    # The leaky update's Jacobian at 0 is (1 - a) I + a W.
    expected = spectral_radius((1 - leak) * np.eye(200) + leak * w)
    np.testing.assert_allclose(cell.effective_spectral_radius(), expected, rtol=1e-6)
    if leak == 1.0:
        np.testing.assert_allclose(cell.effective_spectral_radius(), radius, rtol=1e-5)
    else:
        assert cell.effective_spectral_radius() <= (1 - leak) + leak * radius + 1e-9


def test_nothing_trains_and_seed_reproduces():
    a = layers.EchoState(30, seed=3)
    b = layers.EchoState(30, seed=3)
    x = testing.random_inputs((2, 4, 2))
    testing.assert_allclose(a(x), b(x), atol=0)
    assert a.trainable_weights == []
    assert a.get_config()["seed"] == 3
    assert isinstance(layers.EchoStateCell(5).seed, int)


def test_correctness():
    x = testing.random_inputs((2, 8, 3))
    layer = layers.EchoState(
        10, leak_rate=0.4, bias_scaling=0.5, connectivity=0.5, seed=2, return_sequences=True
    )
    layer(x)
    w = ref.weights(layer)

    def step(x_t, h):
        h = 0.6 * h + 0.4 * np.tanh(x_t @ w["kernel"] + h @ w["recurrent_kernel"] + w["bias"])
        return h, h

    y_ref, _ = ref.run(step, x, np.zeros((2, 10)))
    testing.assert_allclose(layer(x), y_ref)


def test_ridge_readout_forecasts_mackey_glass():
    series = np.tanh(mackey_glass(1600, seed=0) - 1.0)
    x, y = series[:-1].reshape(1, -1, 1).astype("float32"), series[1:].reshape(1, -1, 1)
    esn = layers.EchoState(
        300,
        spectral_radius=0.95,
        connectivity=0.05,
        leak_rate=0.9,
        input_scaling=0.5,
        seed=0,
        return_sequences=True,
    )
    states = esn(x)
    readout = layers.fit_ridge_readout(states[:, :1200], y[:, :1200], ridge=1e-8, washout=100)
    pred = keras.ops.convert_to_numpy(readout(states[:, 1200:]))
    nrmse = np.sqrt(np.mean((pred - y[:, 1200:]) ** 2)) / np.std(series)
    assert nrmse < 1e-2, nrmse


def test_ridge_regression_matches_closed_form():
    rng = np.random.default_rng(0)
    x, true_w = rng.standard_normal((200, 5)), rng.standard_normal((5, 2))
    y = x @ true_w + 0.3
    w, b = layers.ridge_regression(x, y, ridge=0.0)
    np.testing.assert_allclose(w, true_w, atol=1e-8)
    np.testing.assert_allclose(b, [0.3, 0.3], atol=1e-8)
    w_r, _ = layers.ridge_regression(x, y, ridge=50.0)
    assert np.linalg.norm(w_r) < np.linalg.norm(w)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="spectral_radius"):
        layers.EchoState(10, spectral_radius=0)
    with pytest.raises(ValueError, match="spectral_radius"):
        layers.EchoStateCell(10, spectral_radius=-1.0)
    with pytest.raises(ValueError, match="connectivity"):
        layers.EchoState(10, connectivity=0.0)
    with pytest.raises(ValueError, match="leak_rate"):
        layers.EchoState(10, leak_rate=1.5)
    with pytest.raises(ValueError, match="kernel_initializer"):
        layers.EchoStateCell(10, kernel_initializer="zeros")
    with pytest.raises(ValueError, match="connectivity"):
        layers.EchoStateCell(3, connectivity=0.01, seed=0).build((None, 1))
    with pytest.raises(ValueError, match="washout"):
        layers.fit_ridge_readout(np.zeros((1, 5, 3)), np.zeros((1, 5, 1)), washout=5)
    with pytest.raises(ValueError, match="finite"):
        layers.ridge_regression(np.full((4, 2), np.nan), np.zeros((4, 1)))
