import keras
import numpy as np
import pytest

from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.SimpleRNN, {"units": 4, "return_sequences": True}, (2, 5, 3), (2, 5, 4), tmp_dir=tmp_path
    )


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_parity_with_keras_simple_rnn(activation):
    testing.assert_builtin_parity(layers.SimpleRNN, keras.layers.SimpleRNN, activation=activation)


def test_irnn_identity_initialization():
    layer = layers.SimpleRNN(6, activation="relu", recurrent_initializer="identity")
    layer(np.zeros((1, 2, 3), "float32"))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.cell.recurrent_kernel), np.eye(6))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.cell.bias), np.zeros(6))
    # With zero input the identity recurrence keeps a positive state unchanged.
    h0 = np.abs(testing.random_inputs((1, 6)))
    y = layer(np.zeros((1, 20, 3), "float32"), initial_state=[h0])
    testing.assert_allclose(y, h0, atol=1e-6)


def test_elman_alias():
    assert layers.Elman is layers.SimpleRNN and layers.ElmanCell is layers.SimpleRNNCell


def test_invalid_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.SimpleRNN(0)
    with pytest.raises(TypeError, match="units"):
        layers.SimpleRNN(2.5)
