"""Top-k/top-p filtering and seeded sampling against NumPy."""

import keras
import numpy as np

from zoo.samplers import filter_logits, random_search, sample_logits
from zoo.samplers.search import greedy_search

LOGITS = np.log(np.array([[0.5, 0.2, 0.15, 0.1, 0.05], [0.05, 0.1, 0.15, 0.2, 0.5]], "float32"))


def _kept(logits, **kwargs):
    return keras.ops.convert_to_numpy(filter_logits(logits, **kwargs)) > -1e8


def test_filter_top_k():
    np.testing.assert_array_equal(_kept(LOGITS, top_k=2)[0], [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(_kept(LOGITS, top_k=2)[1], [0, 0, 0, 1, 1])
    assert _kept(LOGITS, top_k=0).all() and _kept(LOGITS, top_k=99).all()


def test_filter_top_p():
    # 0.5 < 0.6 needs the second token; 0.5 + 0.2 reaches 0.7 exactly.
    np.testing.assert_array_equal(_kept(LOGITS, top_p=0.6)[0], [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(_kept(LOGITS, top_p=0.8)[0], [1, 1, 1, 0, 0])
    np.testing.assert_array_equal(_kept(LOGITS, top_p=0.01)[1], [0, 0, 0, 0, 1])
    assert _kept(LOGITS, top_p=1.0).all()
    np.testing.assert_array_equal(_kept(LOGITS, top_k=3, top_p=0.6)[0], [1, 1, 0, 0, 0])


def _draw(logits, n, **kwargs):
    batch = np.repeat(logits[:1], n, axis=0)
    # One row per draw: a seed per row is the same as n seeds.
    return keras.ops.convert_to_numpy(sample_logits(batch, np.array([7, 0]), **kwargs))


def test_sampling_frequencies():
    counts = np.bincount(_draw(LOGITS, 20000), minlength=5) / 20000
    np.testing.assert_allclose(counts, np.exp(LOGITS[0]), atol=0.015)
    hot = np.bincount(_draw(LOGITS, 20000, temperature=0.5), minlength=5) / 20000
    expected = np.exp(LOGITS[0] / 0.5) / np.exp(LOGITS[0] / 0.5).sum()
    np.testing.assert_allclose(hot, expected, atol=0.015)
    nucleus = np.bincount(_draw(LOGITS, 20000, top_p=0.6), minlength=5) / 20000
    np.testing.assert_allclose(nucleus, [5 / 7, 2 / 7, 0, 0, 0], atol=0.015)


def test_temperature_zero_and_top_k_one_are_greedy():
    assert (_draw(LOGITS, 50, temperature=0.0) == 0).all()
    assert (_draw(LOGITS, 50, top_k=1) == 0).all()


TABLE = np.log(np.random.default_rng(3).dirichlet(np.ones(6) * 0.5, size=6)).astype("float32")


def step_fn(tokens, state, constants):
    return keras.ops.take(TABLE, tokens, axis=0), state + 1


def test_random_search_is_seeded_and_chunkable():
    start = np.array([1, 2], "int32")
    state = np.zeros((2, 1), "float32")
    whole = keras.ops.convert_to_numpy(random_search(step_fn, state, (), start, 12, seed=5))
    again = keras.ops.convert_to_numpy(random_search(step_fn, state, (), start, 12, seed=5))
    other = keras.ops.convert_to_numpy(random_search(step_fn, state, (), start, 12, seed=6))
    np.testing.assert_array_equal(whole, again)
    assert not np.array_equal(whole, other)
    first, state2, last = random_search(step_fn, state, (), start, 5, seed=5, return_state=True)
    rest = random_search(step_fn, state2, (), last, 7, seed=5, offset=5)
    np.testing.assert_array_equal(np.concatenate([first, rest], 1), whole)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(state2), np.full((2, 1), 5.0))


def test_random_search_greedy_and_banned():
    start = np.array([1, 2], "int32")
    state = np.zeros((2, 1), "float32")
    greedy = greedy_search(step_fn, state, (), start, end_id=-1, max_length=8)
    cold = random_search(step_fn, state, (), start, 8, temperature=0.0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(cold), keras.ops.convert_to_numpy(greedy))
    banned = keras.ops.convert_to_numpy(random_search(step_fn, state, (), start, 50, banned_ids=(0, 3)))
    assert not np.isin(banned, [0, 3]).any()


def test_uniform_is_the_same_compiled_and_in_graphs():
    # A compiled `generate` and its SavedModel (a plain TF graph) must draw
    # the same numbers, also with a seed computed inside a loop.
    from zoo.jit import compile_function
    from zoo.samplers.sampling import stateless_uniform

    def draws(seed):
        def body(t, acc):
            u = stateless_uniform((2, 3), keras.ops.stack([seed, t]))
            return t + 1, acc + keras.ops.expand_dims(keras.ops.one_hot(t, 4), -1)[:, :, None] * u[None]

        init = (keras.ops.convert_to_tensor(0, "int32"), keras.ops.zeros((4, 2, 3)))
        return keras.ops.while_loop(lambda t, a: t < 4, body, init)[1]

    eager = keras.ops.convert_to_numpy(draws(np.int32(5)))
    compiled = keras.ops.convert_to_numpy(compile_function(draws)(np.int32(5)))
    np.testing.assert_array_equal(eager, compiled)
    assert 0 < eager.min() and eager.max() < 1 and len(np.unique(eager)) == eager.size
