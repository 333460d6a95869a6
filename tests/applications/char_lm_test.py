import math
import os

import keras
import numpy as np
import pytest

from zoo.applications import CharLM
from zoo.applications.char_lm import StatefulWindows

SHAKESPEARE = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data", "tinyshakespeare", "input_train.txt"
)
FALLBACK = (
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n\n"
) * 40


def _text(n):
    if os.path.exists(SHAKESPEARE):
        with open(SHAKESPEARE, encoding="utf-8") as f:
            return f.read(n)
    return FALLBACK[:n]


def _model(text, batch_size=4, **kwargs):
    keras.utils.set_random_seed(0)
    config = dict(embedding_dim=8, units=24, layers=2, dropout=0.0, batch_size=batch_size)
    config.update(kwargs)
    return CharLM(CharLM.build_vocabulary(text), **config)


def _nll(logits, targets):
    logp = keras.ops.convert_to_numpy(keras.ops.log_softmax(logits, axis=-1))
    return -np.take_along_axis(logp, np.asarray(targets)[..., None], axis=-1)[..., 0]


@pytest.fixture(scope="module")
def text():
    return _text(6000)


@pytest.fixture(scope="module")
def lm(text):
    model = _model(text)
    model.compile(optimizer=keras.optimizers.Adam(1e-2, global_clipnorm=5.0))
    model.fit_history = model.fit(text[:4000], seq_length=40, epochs=3, verbose=0).history
    return model


def test_stateful_windows_are_contiguous(text):
    model = _model(text, batch_size=3)
    ids = model.encode(text[:1000])
    windows = [(np.asarray(x), np.asarray(y)) for x, y in model.prepare(text[:1000], seq_length=64)]
    assert len(windows) == -(-333 // 64) and windows[-1][0].shape == (3, 333 % 64)
    assert all(x.shape[0] == 3 for x, _ in windows)
    inputs = np.concatenate([x for x, _ in windows], axis=1)
    targets = np.concatenate([y for _, y in windows], axis=1)
    for i in range(3):  # row i of consecutive batches is one contiguous piece of text
        np.testing.assert_array_equal(inputs[i], ids[i * 333 : (i + 1) * 333])
        np.testing.assert_array_equal(targets[i], ids[i * 333 + 1 : (i + 1) * 333 + 1])
    py = StatefulWindows(ids, 3, 64)
    np.testing.assert_array_equal(py[1][0], windows[1][0])


def test_stepwise_matches_full_sequence(lm, text):
    ids = lm.encode(text[100:160])[None, :]
    full, _ = lm.call_with_state(ids, lm.initial_state(1))
    states, steps = lm.initial_state(1), []
    for t in range(ids.shape[1]):
        logits, states = lm.step(ids[:, t], states)
        steps.append(keras.ops.convert_to_numpy(logits))
    np.testing.assert_allclose(np.stack(steps, 1), keras.ops.convert_to_numpy(full), atol=1e-4)
    # The prime is read once (last character masked), then stepping goes on.
    states, last = lm.prime_state(ids)
    logits, _ = lm.step(last, states)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(logits), steps[-1], atol=1e-4)
    states, last = lm.prime_state(ids[:, :1])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(lm.step(last, states)[0]), steps[0], atol=1e-5)


def test_score_matches_manual(lm, text):
    piece = text[2000:2600]
    ids = lm.encode(piece)
    manual = _nll(lm(ids[None, :-1]), ids[None, 1:]).mean()  # one stateless pass over the whole text
    assert lm.score(piece, chunk_length=37) == pytest.approx(manual, rel=1e-5)
    assert lm.score(piece) == pytest.approx(manual, rel=1e-5)


def test_metrics_count_every_character(lm, text, tmp_path):
    # 3 streams of 333 characters in windows of 64: the last window is short.
    piece = text[:1000]
    model = _model(text, batch_size=3)
    lm.save_weights(str(tmp_path / "lm.weights.h5"))  # the carried state is not saved
    model.load_weights(str(tmp_path / "lm.weights.h5"))
    model.compile()
    result = model.evaluate(piece, seq_length=64, return_dict=True, verbose=0)
    windows = StatefulWindows(model.encode(piece), 3, 64)
    model.reset_state()
    per_window = [_nll(model(x), y) for x, y in (windows[i] for i in range(len(windows)))]
    exact = np.concatenate([n.ravel() for n in per_window]).mean()
    batch_means = np.mean([n.mean() for n in per_window])
    assert abs(exact - batch_means) > 1e-3  # the two differ here, so the test can tell
    assert result["nats_per_char"] == pytest.approx(exact, rel=1e-4)
    assert result["bits_per_char"] == pytest.approx(exact / math.log(2), rel=1e-4)
    # Stateful: the same windows read from zero states each give another number.
    stateless = np.concatenate(
        [_nll(model.call_with_state(x, model.initial_state(3))[0], y).ravel() for x, y in windows]
    ).mean()
    assert abs(stateless - exact) > 1e-3


def test_fit_loss_falls(lm, text):
    history = lm.fit_history["nats_per_char"]
    assert history[-1] < history[0] - 0.15
    assert lm.score(text[4000:5000]) < math.log(len(lm.vocabulary)) - 0.5


def test_carry_resets_each_epoch(text):
    model = _model(text)
    model.compile()
    model.fit(text[:1000], seq_length=50, epochs=1, verbose=0)
    carry = [keras.ops.convert_to_numpy(v) for v in model.non_trainable_variables if "carry" in v.path]
    assert carry and all(np.abs(c).sum() > 0 for c in carry)
    model.reset_state()
    assert all(np.abs(keras.ops.convert_to_numpy(v)).sum() == 0 for v in model.variables if "carry" in v.path)


def test_preset_roundtrip(lm, text, tmp_path):
    config = lm.get_config()
    assert CharLM.from_config(config).get_config() == config
    lm.save_to_preset(str(tmp_path / "preset"), metadata={"data": "test"})
    loaded = CharLM.from_preset(str(tmp_path / "preset"), batch_size=7)  # the carry is no weight
    piece = text[3000:3400]
    assert loaded.score(piece) == pytest.approx(lm.score(piece), rel=1e-6)
    assert loaded.generate("ROMEO:", 80, seed=3) == lm.generate("ROMEO:", 80, seed=3)


def _greedy(lm, prime, length):
    states, last = lm.prime_state(lm.encode(prime)[None, :])
    out = []
    for _ in range(length):
        logits, states = lm.step(last, states)
        logits = keras.ops.convert_to_numpy(logits)[0]
        logits[0] = -np.inf  # the unknown character is never generated
        out.append(int(np.argmax(logits)))
        last = np.array(out[-1:], "int32")
    return lm.decode(out)


def test_temperature_zero_and_top_k_one_are_greedy(lm):
    greedy = _greedy(lm, "First", 40)
    assert lm.generate("First", 40, temperature=0) == greedy
    assert lm.generate("First", 40, temperature=1e-4, seed=1) == greedy
    assert lm.generate("First", 40, top_k=1, seed=2) == greedy


def test_generate_is_seeded_and_chunk_independent(lm):
    a = lm.generate("All:", 60, seed=11)
    assert len(a) == 60 and set(a) <= set(lm.vocabulary[1:])
    assert lm.generate("All:", 60, seed=11, chunk_length=7) == a
    assert lm.generate("All:", 60, seed=12) != a
    assert len(lm.generate("A", 5, top_p=0.9, top_k=5, seed=0)) == 5


def test_bad_arguments(lm, text):
    with pytest.raises(ValueError, match="prime"):
        lm.generate("", 10)
    with pytest.raises(ValueError, match="never seen"):
        lm.generate("Ωmega", 10)
    assert len(lm.generate("Ωmega", 3, unknown="replace", seed=0)) == 3
    with pytest.raises(TypeError, match="prime"):
        lm.generate(b"bytes", 10)
    for kwargs, exc, name in (
        ({"length": 0}, ValueError, "length"),
        ({"length": 2.5}, TypeError, "length"),
        ({"temperature": -1.0}, ValueError, "temperature"),
        ({"temperature": "hot"}, TypeError, "temperature"),
        ({"top_k": 0}, ValueError, "top_k"),
        ({"top_p": 0.0}, ValueError, "top_p"),
        ({"top_p": 1.5}, ValueError, "top_p"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "x"}, TypeError, "seed"),
        ({"unknown": "ignore"}, ValueError, "unknown"),
    ):
        args = {"prime": "A", "length": 5, **kwargs}
        with pytest.raises(exc, match=name):
            lm.generate(**args)
    with pytest.raises(ValueError, match="at least 2"):
        lm.score("A")
    with pytest.raises(TypeError, match="text"):
        lm.score(None)
    with pytest.raises(ValueError, match="batch_size"):
        lm.prepare(text, batch_size=5)
    with pytest.raises(ValueError, match="too short"):
        lm.prepare("abc")
    with pytest.raises(ValueError, match="seq_length"):
        lm.prepare(text, seq_length=0)
    with pytest.raises(ValueError, match="cell"):
        CharLM(["\ufffd", "a"], cell="Transformer")
    with pytest.raises(ValueError, match="vocabulary"):
        CharLM(["a", "b"])
    with pytest.raises(ValueError, match="dropout"):
        CharLM(["\ufffd", "a"], dropout=1.0)
    with pytest.raises(TypeError, match="unexpected"):
        CharLM(["\ufffd", "a"], unit=4)
    with pytest.raises(ValueError, match="batch of 2"):
        lm.train_on_batch(np.zeros((2, 5), "int32"), np.zeros((2, 5), "int32"))
