import keras
import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.LSTM,
        {"units": 4, "return_sequences": True, "use_peepholes": True, "layer_norm": True},
        (2, 5, 3),
        (2, 5, 4),
        tmp_dir=tmp_path,
    )
    testing.run_layer_test(
        layers.LSTM, {"units": 4, "return_state": True}, (2, 5, 3), [(2, 4), (2, 4), (2, 4)], tmp_dir=tmp_path
    )


def test_parity_with_keras_lstm():
    testing.assert_builtin_parity(layers.LSTM, keras.layers.LSTM)


def test_parity_without_bias_and_forget_bias():
    testing.assert_builtin_parity(
        layers.LSTM, keras.layers.LSTM, use_bias=False, unit_forget_bias=False, activation="relu"
    )


def test_forget_bias_defaults_to_one():
    layer = layers.LSTM(3)
    layer(np.zeros((1, 2, 2), "float32"))
    bias = keras.ops.convert_to_numpy(layer.cell.bias)
    np.testing.assert_array_equal(bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def _numpy_lstm(w, units, peepholes, layer_norm, eps=1e-5):
    def ln(x, gamma, beta=None, groups=4):
        shape = x.shape
        x = x.reshape(shape[0], groups, -1)
        x = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)
        x = x.reshape(shape) * gamma
        return x if beta is None else x + beta

    def step(x, states):
        h, c = states
        zx, zh = x @ w["kernel"], h @ w["recurrent_kernel"]
        if layer_norm:
            zx, zh = ln(zx, w["gamma_x"]), ln(zh, w["gamma_h"])
        z = zx + zh + w["bias"]
        zi, zf, zg, zo = np.split(z, 4, axis=-1)
        if peepholes:
            zi = zi + w["peephole_i"] * c
            zf = zf + w["peephole_f"] * c
        c = ref.sigmoid(zf) * c + ref.sigmoid(zi) * np.tanh(zg)
        if peepholes:
            zo = zo + w["peephole_o"] * c
        c_out = ln(c, w["gamma_c"], w["beta_c"], groups=1) if layer_norm else c
        h = ref.sigmoid(zo) * np.tanh(c_out)
        return h, (h, c)

    return step


@pytest.mark.parametrize("peepholes,layer_norm", [(True, False), (False, True), (True, True)])
def test_correctness_peepholes_and_layer_norm(peepholes, layer_norm):
    x = testing.random_inputs((3, 6, 4))
    layer = layers.LSTM(
        5, use_peepholes=peepholes, layer_norm=layer_norm, return_sequences=True, return_state=True
    )
    layer(x)
    ref.randomize(layer)
    y, h, c = layer(x)
    zeros = np.zeros((3, 5))
    y_ref, (h_ref, c_ref) = ref.run(
        _numpy_lstm(ref.weights(layer), 5, peepholes, layer_norm), x, (zeros, zeros)
    )
    testing.assert_allclose([y, h, c], [y_ref, h_ref, c_ref], atol=1e-5)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(TypeError, match="units"):
        layers.LSTMCell("8")
    with pytest.raises(ValueError, match="dropout"):
        layers.LSTM(4, dropout=1.5)
    with pytest.raises(ValueError, match="rank 3"):
        layers.LSTM(4)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="initial_state"):
        layers.LSTM(4)(np.zeros((2, 3, 2), "float32"), initial_state=[np.zeros((2, 4), "float32")])
    with pytest.raises(ValueError, match=r"initial_state\[1\]"):
        layers.LSTM(4)(
            np.zeros((2, 3, 2), "float32"),
            initial_state=[np.zeros((2, 4), "float32")] * 1 + [np.zeros((2, 5), "float32")],
        )
