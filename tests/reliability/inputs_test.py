"""Bad input, tried systematically (hypothesis) on the public entry points:
each call works as documented or raises a ValueError/TypeError that names
the argument; never another exception, a hang or a non-string output.

Each application adds its entry points here as it lands."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoo.applications import Translator

# The test suite (CI) runs a fixed, derandomized set of 40 examples per test,
# so that it passes or fails the same way every time; `ZOO_FUZZ_EXAMPLES=500`
# explores afresh with that many random examples per test (run it before a
# release, and turn each failure it finds into a fix).
FUZZ_EXAMPLES = int(os.environ.get("ZOO_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES or 40,
    derandomize=not FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values of every kind a user may pass by mistake.
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
# Arbitrary unicode (all planes and categories, surrogates excluded as Python
# str cannot hold them in UTF-8), empty and long.
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.just(""),
    st.text(alphabet=" \t\n\u00a0\u2028", max_size=10),
    st.builds(lambda w, n: " ".join([w] * n), st.text(min_size=1, max_size=8), st.integers(100, 3000)),
)


@pytest.fixture(autouse=True)
def small_memory_limit(monkeypatch):
    """Constructors get sizes up to 10**12 from the fuzz: under a 1 GiB
    budget the size check refuses the large ones (the same check as under
    the machine's memory) while the models it lets through build fast."""
    monkeypatch.setenv("ZOO_MEMORY_LIMIT", str(2**30))


def assert_clean_error(error, *names):
    """A ValueError or TypeError whose message names one of the arguments."""
    assert isinstance(error, (ValueError, TypeError)), f"{type(error).__name__}: {error}"
    assert any(name in str(error) for name in names), f"message names none of {names}: {error}"


@pytest.fixture(scope="module")
def translator():
    from tests.applications.conftest import toy_pairs

    sources, targets = toy_pairs()
    sv, tv = Translator.build_vocabularies(sources, targets, min_count=1)
    return Translator(
        sv, tv, embedding_dim=8, encoder_units=8, decoder_units=8, attention_units=8, max_target_length=6
    )


@SETTINGS
@given(texts=st.one_of(TEXT, st.lists(TEXT, max_size=4)))
def test_translate_any_text(translator, texts):
    out = translator.translate(texts)
    if isinstance(texts, str):
        assert isinstance(out, str)
        assert out == "" or texts.strip(" \t\n\u00a0\u2028")
    else:
        assert isinstance(out, list) and len(out) == len(texts) and all(isinstance(t, str) for t in out)


@SETTINGS
@given(
    texts=st.one_of(
        ANYTHING.filter(lambda x: not isinstance(x, str)), st.lists(ANYTHING, min_size=1, max_size=3)
    )
)
def test_translate_wrong_types(translator, texts):
    if isinstance(texts, list) and all(isinstance(t, str) for t in texts):
        return
    with pytest.raises(Exception) as err:
        translator.translate(texts)
    assert_clean_error(err.value, "texts")


@SETTINGS
@given(
    name=st.sampled_from(["sampler", "beam_size", "length_penalty", "max_length", "batch_size"]),
    value=ANYTHING,
)
def test_translate_arguments(translator, name, value):
    try:
        out = translator.translate(["A man runs."], **{name: value})
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, name)
    else:
        assert isinstance(out, list) and isinstance(out[0], str)


@SETTINGS
@given(
    name=st.sampled_from(
        [
            "embedding_dim",
            "encoder_units",
            "decoder_units",
            "attention_units",
            "cell",
            "attention",
            "dropout",
            "max_source_length",
            "max_target_length",
            "tie_embeddings",
            "output_units",
        ]
    ),
    value=ANYTHING,
)
def test_translator_constructor(translator, name, value):
    try:
        Translator(translator.source_vocabulary, translator.target_vocabulary, **{name: value})
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, name)


@SETTINGS
@given(vocabulary=st.one_of(ANYTHING, st.lists(st.text(max_size=4), max_size=6)))
def test_translator_vocabulary(translator, vocabulary):
    try:
        Translator(
            vocabulary, translator.target_vocabulary, embedding_dim=4, encoder_units=4, decoder_units=4
        )
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, "source_vocabulary")


@SETTINGS
@given(preset=st.one_of(ANYTHING, st.text(max_size=40), st.just("https://127.0.0.1:9/p.tar.gz")))
def test_from_preset_anything(preset):
    from zoo import presets

    with pytest.raises(Exception) as err:
        Translator.from_preset(preset)
    assert isinstance(err.value, (presets.PresetError, TypeError)), repr(err.value)
    assert "preset" in str(err.value).lower()


def test_nan_and_wrong_rank_arrays(translator):
    for bad in (np.array([np.nan]), np.zeros((2, 2)), np.array([["a"], ["b"]])):
        with pytest.raises((TypeError, ValueError), match="texts"):
            translator.translate(bad)


# --- TextClassifier -----------------------------------------------------------


@pytest.fixture(scope="module")
def classifier():
    from tests.applications.text_classifier_test import sample, small_classifier

    return small_classifier(sample()[0])


@SETTINGS
@given(texts=st.one_of(TEXT, st.lists(TEXT, max_size=4)))
def test_classify_any_text(classifier, texts):
    """A label and finite probabilities summing to 1 per text, or a
    ValueError naming the text that has no tokens (empty, all spaces)."""
    try:
        out = classifier.classify(texts)
    except ValueError as e:
        assert_clean_error(e, "texts")
        return
    for result in [out] if isinstance(texts, str) else out:
        assert result.label in classifier.labels
        p = np.array(list(result.probabilities.values()))
        assert np.all(np.isfinite(p)) and abs(p.sum() - 1) < 1e-4
    if not isinstance(texts, str):
        assert len(out) == len(texts)


@SETTINGS
@given(
    texts=st.one_of(
        ANYTHING.filter(lambda x: not isinstance(x, str)), st.lists(ANYTHING, min_size=1, max_size=3)
    ),
    batch_size=st.one_of(st.just(64), ANYTHING),
)
def test_classify_wrong_types(classifier, texts, batch_size):
    if isinstance(texts, list) and all(isinstance(t, str) and t.strip() for t in texts):
        return
    with pytest.raises(Exception) as err:
        classifier.classify(texts, batch_size=batch_size)
    assert_clean_error(err.value, "texts", "batch_size")


@SETTINGS
@given(
    name=st.sampled_from(
        [
            "embedding_dim",
            "units",
            "cell",
            "bidirectional",
            "num_layers",
            "dropout",
            "pooling",
            "level",
            "lowercase",
            "max_length",
        ]
    ),
    value=ANYTHING,
)
def test_text_classifier_constructor(classifier, name, value):
    try:
        type(classifier)(classifier.vocabulary, classifier.labels, **{name: value})
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, name)


@SETTINGS
@given(labels=st.one_of(ANYTHING, st.lists(st.text(max_size=4), max_size=4)))
def test_text_classifier_labels(classifier, labels):
    try:
        type(classifier)(classifier.vocabulary, labels, embedding_dim=4, units=4)
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, "labels")


@SETTINGS
@given(preset=st.one_of(ANYTHING, st.text(max_size=40)))
def test_text_classifier_from_preset_anything(classifier, preset):
    from zoo import presets

    with pytest.raises(Exception) as err:
        type(classifier).from_preset(preset)
    assert isinstance(err.value, (presets.PresetError, TypeError)), repr(err.value)
    assert "preset" in str(err.value).lower()


# --- CharLM -------------------------------------------------------------------


@pytest.fixture(scope="module")
def char_lm():
    from zoo.applications import CharLM

    text = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n"
    return CharLM(CharLM.build_vocabulary(text), embedding_dim=4, units=8, layers=1, batch_size=2)


# Lengths are few (each compiles its own loop) and small (a length of 10**12
# is valid and would run for days).
SMALL_INT_OR_ANYTHING = st.one_of(
    ANYTHING.filter(lambda x: not (isinstance(x, int) and not isinstance(x, bool) and x > 64)),
    st.sampled_from([1, 7]),
)


@SETTINGS
@given(
    prime=TEXT,
    length=st.sampled_from([1, 7]),
    temperature=st.one_of(st.just(1.0), st.floats(0, 100)),
    top_k=st.one_of(st.none(), st.integers(1, 100)),
    top_p=st.one_of(st.none(), st.floats(0.01, 1.0)),
    seed=st.integers(0, 2**31 - 1),
)
def test_generate_any_prime(char_lm, prime, length, temperature, top_k, top_p, seed):
    """`length` characters, never the unknown U+FFFD, the same for the same
    seed; or a ValueError naming `prime` (empty)."""
    kwargs = dict(temperature=temperature, top_k=top_k, top_p=top_p, seed=seed, unknown="replace")
    try:
        out = char_lm.generate(prime, length, **kwargs)
    except ValueError as e:
        assert_clean_error(e, "prime")
        assert prime == ""
        return
    assert isinstance(out, str) and len(out) == length and "\ufffd" not in out
    assert set(out) <= set(char_lm.vocabulary)
    assert char_lm.generate(prime, length, **kwargs) == out


@SETTINGS
@given(
    prime=st.one_of(ANYTHING, st.just("To be")),
    length=SMALL_INT_OR_ANYTHING,
    temperature=st.one_of(st.just(1.0), ANYTHING),
    top_k=st.one_of(st.none(), ANYTHING),
    top_p=st.one_of(st.none(), ANYTHING),
    seed=st.one_of(st.just(0), ANYTHING),
)
def test_generate_wrong_arguments(char_lm, prime, length, temperature, top_k, top_p, seed):
    names = ("prime", "length", "temperature", "top_k", "top_p", "seed")
    try:
        out = char_lm.generate(prime, length, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, *names)
    else:
        assert isinstance(out, str) and len(out) == length


@SETTINGS
@given(text=TEXT, unknown=st.sampled_from(["error", "replace"]))
def test_score_any_text(char_lm, text, unknown):
    """A finite, non-negative mean NLL; or a ValueError naming `text` (too
    short, or characters never seen with unknown='error')."""
    try:
        nll = char_lm.score(text, unknown=unknown)
    except ValueError as e:
        assert_clean_error(e, "text")
        return
    assert np.isfinite(nll) and nll >= 0


@SETTINGS
@given(text=ANYTHING.filter(lambda x: not isinstance(x, str)), chunk_length=SMALL_INT_OR_ANYTHING)
def test_score_wrong_types(char_lm, text, chunk_length):
    with pytest.raises(Exception) as err:
        char_lm.score(text, chunk_length=chunk_length)
    assert_clean_error(err.value, "text", "chunk_length")


@SETTINGS
@given(
    name=st.sampled_from(["embedding_dim", "units", "layers", "cell", "dropout", "batch_size"]),
    value=ANYTHING,
)
def test_char_lm_constructor(char_lm, name, value):
    try:
        type(char_lm)(char_lm.vocabulary, **{name: value})
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, name)


@SETTINGS
@given(vocabulary=st.one_of(ANYTHING, st.lists(st.text(max_size=2), max_size=5), st.text(max_size=5)))
def test_char_lm_vocabulary(char_lm, vocabulary):
    try:
        type(char_lm)(vocabulary, embedding_dim=2, units=2, layers=1, batch_size=1)
    except Exception as e:  # noqa: BLE001
        assert_clean_error(e, "vocabulary")
