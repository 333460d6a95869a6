import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.IMG, {"units": 4, "return_sequences": True}, (2, 5, 3), (2, 5, 4), tmp_dir=tmp_path
    )


def test_correctness():
    x = testing.random_inputs((3, 7, 4))
    layer = layers.IMG(5, return_sequences=True, return_state=True)
    layer(x)
    ref.randomize(layer)
    w = ref.weights(layer)
    wg, wn = np.split(w["kernel"], 2, -1)
    ug, un = np.split(w["recurrent_kernel"], 2, -1)
    bg, bn = np.split(w["bias"], 2, -1)

    def step(x_t, h):
        g = ref.sigmoid(x_t @ wg + h @ ug + bg)
        n = np.tanh(x_t @ wn + (g * h) @ un + bn)
        h = (1 - g) * h + g * n
        return h, h

    y_ref, h_ref = ref.run(step, x, np.zeros((3, 5)))
    testing.assert_allclose(layer(x), [y_ref, h_ref])


def test_two_weight_blocks():
    layer = layers.IMG(8)
    layer(np.zeros((1, 2, 3), "float32"))
    gru = layers.GRU(8, reset_after=False)
    gru(np.zeros((1, 2, 3), "float32"))
    assert layer.count_params() == 2 * (3 * 8 + 8 * 8 + 8)
    assert layer.count_params() * 3 == gru.count_params() * 2


def test_invalid_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.IMG(0)
