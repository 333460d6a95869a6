import keras
import numpy as np
import pytest

from zoo import layers, testing


@pytest.mark.parametrize("reset_after", [True, False])
def test_basics(tmp_path, reset_after):
    testing.run_layer_test(
        layers.GRU,
        {"units": 4, "return_sequences": True, "reset_after": reset_after},
        (2, 5, 3),
        (2, 5, 4),
        tmp_dir=tmp_path,
    )


@pytest.mark.parametrize("reset_after", [True, False])
def test_parity_with_keras_gru(reset_after):
    testing.assert_builtin_parity(layers.GRU, keras.layers.GRU, reset_after=reset_after)


def test_parity_without_bias():
    testing.assert_builtin_parity(layers.GRU, keras.layers.GRU, use_bias=False)


def test_weights_interchange_with_keras():
    x = testing.random_inputs((2, 4, 3))
    theirs = keras.layers.GRU(5)
    theirs(x)
    ours = layers.GRU(5)
    ours(x)
    assert [w.shape for w in ours.weights] == [w.shape for w in theirs.weights]
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    testing.assert_allclose(ours(x), theirs(x))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.GRU(-3)
    with pytest.raises(ValueError, match="recurrent_dropout"):
        layers.GRUCell(3, recurrent_dropout=1.0)
    with pytest.raises(ValueError, match="rank 3"):
        layers.GRU(4)(np.zeros((2, 3, 2, 1), "float32"))
