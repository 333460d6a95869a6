import keras
import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def _numpy_luong(w, score, scale, query, memory, mask):
    if score == "dot":
        e = np.einsum("bd,btd->bt", query, memory)
    elif score == "general":
        e = np.einsum("bd,btd->bt", query, memory @ w["memory_kernel"])
    else:
        e = np.tanh((query @ w["query_kernel"])[:, None] + memory @ w["memory_kernel"]) @ w["score_vector"]
    if scale:
        e = e * w["score_gain"]
    e = np.where(mask, e, -np.inf)
    a = np.exp(e - e.max(-1, keepdims=True))
    a = a / a.sum(-1, keepdims=True)
    return np.einsum("bt,btd->bd", a, memory), a


@pytest.mark.parametrize("score", ["dot", "general", "concat"])
@pytest.mark.parametrize("scale", [False, True])
def test_correctness(score, scale):
    dim = 4 if score == "dot" else 7
    query, memory = testing.random_inputs((3, dim)), testing.random_inputs((3, 5, 4), seed=1)
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 1, 1, 0, 1]], bool)
    attention = layers.LuongAttention(score, units=6 if score == "concat" else None, scale=scale)
    attention(query, memory)
    if attention.weights:
        ref.randomize(attention)
    context, weights = attention(query, memory, memory_mask=mask)
    c_ref, a_ref = _numpy_luong(ref.weights(attention), score, scale, query, memory, mask)
    testing.assert_allclose([context, weights], [c_ref, a_ref])
    assert np.all(keras.ops.convert_to_numpy(weights)[~mask] == 0.0)


def test_serialization():
    attention = layers.LuongAttention("concat", units=3, scale=True)
    assert layers.LuongAttention.from_config(attention.get_config()).get_config() == attention.get_config()


def test_invalid_arguments():
    with pytest.raises(ValueError, match="score"):
        layers.LuongAttention("cosine")
    with pytest.raises(ValueError, match="units"):
        layers.LuongAttention("concat")
    with pytest.raises(ValueError, match="dot"):
        layers.LuongAttention("dot")(np.zeros((1, 3), "float32"), np.zeros((1, 2, 4), "float32"))
