import keras
import numpy as np
import pytest

from tests.layers.rnn import reference as ref
from zoo import layers, testing


def _numpy_bahdanau(w, query, memory, mask, normalize):
    q = query @ w["query_kernel"]
    hidden = q[:, None, :] + memory @ w["memory_kernel"]
    vec = w["score_vector"]
    if normalize:
        hidden = hidden + w["score_bias"]
        vec = w["score_gain"] * vec / np.linalg.norm(vec)
    e = np.tanh(hidden) @ vec
    e = np.where(mask, e, -np.inf)
    a = np.exp(e - e.max(-1, keepdims=True))
    a = a / a.sum(-1, keepdims=True)
    return np.einsum("bt,btd->bd", a, memory), a


@pytest.mark.parametrize("normalize", [False, True])
def test_correctness(normalize):
    query, memory = testing.random_inputs((3, 7)), testing.random_inputs((3, 5, 4), seed=1)
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 1, 0, 1]], bool)
    attention = layers.BahdanauAttention(6, normalize=normalize)
    attention(query, memory)
    ref.randomize(attention)
    context, weights = attention(query, memory, memory_mask=mask)
    c_ref, a_ref = _numpy_bahdanau(ref.weights(attention), query, memory, mask, normalize)
    testing.assert_allclose([context, weights], [c_ref, a_ref])
    assert np.all(keras.ops.convert_to_numpy(weights)[~mask] == 0.0)


def test_query_sequence_and_precomputed_keys():
    query, memory = testing.random_inputs((2, 3, 7)), testing.random_inputs((2, 5, 4), seed=1)
    attention = layers.BahdanauAttention(6)
    context, weights = attention(query, memory)
    assert tuple(context.shape) == (2, 3, 4) and tuple(weights.shape) == (2, 3, 5)
    keys = attention.project_memory(memory)
    c_step, _ = attention(query[:, 1], memory, keys=keys)
    testing.assert_allclose(c_step, keras.ops.convert_to_numpy(context)[:, 1])


def test_fully_masked_row_is_zero_not_nan():
    attention = layers.BahdanauAttention(4)
    context, weights = attention(
        testing.random_inputs((2, 3)),
        testing.random_inputs((2, 4, 2)),
        memory_mask=np.array([[1, 1, 0, 0], [0, 0, 0, 0]], bool),
    )
    c, w = keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(weights)
    assert np.all(np.isfinite(c)) and np.all(w[1] == 0) and np.all(c[1] == 0)


def test_serialization():
    attention = layers.BahdanauAttention(5, normalize=True, name="att")
    clone = layers.BahdanauAttention.from_config(attention.get_config())
    assert clone.get_config() == attention.get_config()


def test_invalid_arguments():
    with pytest.raises(ValueError, match="units"):
        layers.BahdanauAttention(0)
