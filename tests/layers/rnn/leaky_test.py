import keras
import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def test_basics(tmp_path):
    testing.run_layer_test(
        layers.Leaky,
        {"units": 4, "leak_rate": [0.1, 0.2, 0.5, 1.0], "skip_length": 3, "return_sequences": True},
        (2, 5, 3),
        (2, 5, 4),
        tmp_dir=tmp_path,
    )
    testing.run_layer_test(
        layers.Leaky,
        {"units": 4, "leak_rate": 0.3, "learn_leak_rate": True},
        (2, 5, 3),
        (2, 4),
        tmp_dir=tmp_path,
    )


@pytest.mark.parametrize("skip_length", [None, 3])
@pytest.mark.parametrize("learn", [False, True])
def test_correctness(skip_length, learn):
    units, batch = 4, 2
    rates = np.array([0.05, 0.2, 0.7, 1.0])
    x = testing.random_inputs((batch, 9, 3))
    layer = layers.Leaky(
        units, leak_rate=rates, learn_leak_rate=learn, skip_length=skip_length, return_sequences=True
    )
    layer(x)
    rate_name = "leak_logit" if learn else "leak_rates"
    keep = {rate_name}
    before = {w.name: keras.ops.convert_to_numpy(w) for w in layer.weights if w.name in keep}
    ref.randomize(layer)
    for w in layer.weights:
        if w.name in keep:
            w.assign(before[w.name])
    w = ref.weights(layer)
    alpha = ref.sigmoid(w["leak_logit"]) if learn else w["leak_rates"]
    np.testing.assert_allclose(alpha, rates, atol=2e-4)  # learned rates are clipped to 1 - 1e-4
    history = [np.zeros((batch, units))] * (skip_length or 1)

    def step(x_t, hist):
        h_tm1 = hist[-1]
        pre = x_t @ w["kernel"] + h_tm1 @ w["recurrent_kernel"] + w["bias"]
        if skip_length:
            pre = pre + hist[0] @ w["skip_kernel"]
        h = (1 - alpha) * h_tm1 + alpha * np.tanh(pre)
        return h, hist[1:] + [h]

    y_ref, _ = ref.run(step, x, history)
    testing.assert_allclose(layer(x), y_ref)


def test_rate_one_is_elman():
    x = testing.random_inputs((2, 6, 3))
    leaky = layers.Leaky(5, leak_rate=1.0)
    elman = layers.SimpleRNN(5)
    leaky(x)
    elman(x)
    elman.set_weights(leaky.get_weights()[:3])
    testing.assert_allclose(leaky(x), elman(x))


def test_leak_rates_train():
    layer = layers.Leaky(3, leak_rate=0.5, learn_leak_rate=True)
    layer(np.zeros((1, 2, 2), "float32"))
    assert any("leak_logit" in w.name for w in layer.trainable_weights)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="leak_rate"):
        layers.Leaky(3, leak_rate=0.0)
    with pytest.raises(ValueError, match="leak_rate"):
        layers.Leaky(3, leak_rate=[0.5, 0.5])
    with pytest.raises(TypeError, match="leak_rate"):
        layers.Leaky(3, leak_rate="fast")
    with pytest.raises(ValueError, match="skip_length"):
        layers.Leaky(3, skip_length=1)
