"""The fused loop in graphs traced with an unknown time axis and a static
batch (SavedModels, relaxed retraces): every step runs."""

import keras
import numpy as np
import pytest

from zoo import layers


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="TensorFlow graphs with unknown shapes")
@pytest.mark.parametrize("batch", [1, 3])
def test_unknown_time_axis_static_batch(batch):
    import tensorflow as tf

    x = np.random.default_rng(0).standard_normal((batch, 20, 4)).astype("float32")
    mask = np.ones((batch, 20), bool)
    mask[:, -1] = False
    rnn = layers.RNN(layers.LSTMCell(6), return_sequences=True, return_state=True)
    expected = rnn(x, mask=mask)
    traced = tf.function(
        lambda x, m: rnn(x, mask=m),
        input_signature=[tf.TensorSpec((batch, None, 4)), tf.TensorSpec((batch, None), tf.bool)],
    )
    for got, want in zip(traced(x, mask), expected):
        np.testing.assert_allclose(got.numpy(), keras.ops.convert_to_numpy(want), atol=1e-5)
