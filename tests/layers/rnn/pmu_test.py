import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.PMU, {"units": 4, "return_sequences": True}, (2, 5, 3), (2, 5, 4), tmp_dir=tmp_path
    )


def test_correctness():
    x = testing.random_inputs((3, 7, 4))
    layer = layers.PMU(5, return_sequences=True, return_state=True)
    layer(x)
    ref.randomize(layer)
    w = ref.weights(layer)
    wz, wn = np.split(w["kernel"], 2, -1)
    bz, bn = np.split(w["bias"], 2, -1)

    def step(x_t, h):
        z = ref.sigmoid(x_t @ wz + w["gate_recurrent"] * h + bz)
        n = np.tanh(x_t @ wn + (z * h) @ w["recurrent_kernel"] + bn)
        h = z * n + (1 - z) * h
        return h, h

    y_ref, h_ref = ref.run(step, x, np.zeros((3, 5)))
    testing.assert_allclose(layer(x), [y_ref, h_ref])


def test_parameter_count():
    layer = layers.PMU(8)
    layer(np.zeros((1, 2, 3), "float32"))
    # kernel 3x16, recurrent 8x8, per-neuron gate recurrence 8, bias 16.
    assert layer.count_params() == 3 * 16 + 8 * 8 + 8 + 16


def test_invalid_arguments():
    with pytest.raises(TypeError, match="units"):
        layers.PMU(None)
