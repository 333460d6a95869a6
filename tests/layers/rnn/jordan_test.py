import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.Jordan,
        {"units": 4, "output_units": 2, "return_sequences": True},
        (2, 5, 3),
        (2, 5, 2),
        tmp_dir=tmp_path,
    )


@pytest.mark.parametrize("state_decay", [0.0, 0.6])
def test_correctness(state_decay):
    x = testing.random_inputs((3, 6, 4))
    layer = layers.Jordan(
        5, output_units=2, state_decay=state_decay, return_sequences=True, return_state=True
    )
    layer(x)
    ref.randomize(layer)
    w = ref.weights(layer)

    def step(x_t, s):
        h = np.tanh(x_t @ w["kernel"] + s @ w["recurrent_kernel"] + w["bias"])
        y = np.tanh(h @ w["output_kernel"] + w["output_bias"])
        return y, state_decay * s + y

    y_ref, s_ref = ref.run(step, x, np.zeros((3, 2)))
    y, s = layer(x)
    testing.assert_allclose([y, s], [y_ref, s_ref])


def test_feeds_back_output_not_hidden_state():
    # The state is the output y (size output_units), not the hidden layer.
    layer = layers.Jordan(7, output_units=2, return_state=True)
    _, state = layer(testing.random_inputs((2, 3, 4)))
    assert tuple(state.shape) == (2, 2)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="output_units"):
        layers.Jordan(4, output_units=0)
    with pytest.raises(ValueError, match="state_decay"):
        layers.JordanCell(4, output_units=2, state_decay=1.0)
