"""Greedy and beam search against brute force on a fixed Markov chain."""

import itertools

import keras
import numpy as np

from zoo.samplers import beam_search, greedy_search

END = 0
# Transition log-probabilities of a 4-token chain (token 0 ends).
rng = np.random.default_rng(3)
TABLE = np.log(rng.dirichlet(np.ones(4) * 0.5, size=4)).astype("float32")


def step_fn(tokens, state, constants):
    # `constants` are batch-major (beam search tiles them); the table is not.
    logits = keras.ops.take(TABLE, tokens, axis=0)
    return logits, {"count": state["count"] + 1}


def _run(search, batch=2, **kwargs):
    start = np.array([1, 2][:batch], "int32")
    state = {"count": np.zeros((batch, 1), "float32")}
    return keras.ops.convert_to_numpy(search(step_fn, state, (), start, END, 5, **kwargs))


def _score(seq, start, alpha):
    logp, prev, n = 0.0, start, 0
    for tok in seq:
        logp += TABLE[prev, tok]
        n += 1
        prev = tok
        if tok == END:
            break
    return logp / (((5 + n) / 6) ** alpha)


def test_greedy():
    out = _run(greedy_search)
    for row, start in zip(out, [1, 2]):
        prev = start
        for tok in row:
            if prev == END:
                assert tok == END
                continue
            assert tok == int(np.argmax(TABLE[prev]))
            prev = tok


def test_beam_one_is_greedy():
    np.testing.assert_array_equal(_run(beam_search, beam_size=1), _run(greedy_search))


def test_wide_beam_finds_the_best_sequence():
    for alpha in (0.0, 1.0):
        out = _run(beam_search, beam_size=64, length_penalty=alpha)
        for row, start in zip(out, [1, 2]):
            best = max(
                itertools.product(range(4), repeat=5), key=lambda s, start=start: _score(s, start, alpha)
            )
            assert abs(_score(row, start, alpha) - _score(best, start, alpha)) < 1e-4


def test_banned_tokens_never_appear():
    out = _run(beam_search, beam_size=3, banned_ids=(3,))
    assert not np.any(out == 3)
    assert not np.any(_run(greedy_search, banned_ids=(3,)) == 3)
