import numpy as np
import pytest

from zoo import validation as v


def test_positive_int():
    assert v.positive_int("units", np.int64(3)) == 3
    for bad, err in [
        (0, ValueError),
        (-1, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("3", TypeError),
    ]:
        with pytest.raises(err, match=r"units.*received units="):
            v.positive_int("units", bad)


def test_rates_and_numbers():
    assert v.rate("dropout", 0) == 0.0
    with pytest.raises(ValueError, match="dropout"):
        v.rate("dropout", 1.0)
    with pytest.raises(ValueError, match="finite"):
        v.number("x", float("nan"))
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        v.unit_interval("leak_rate", 0.0)
    assert v.unit_interval("p", 0.0, low_open=False) == 0.0
    with pytest.raises(ValueError, match="> 0"):
        v.positive("spectral_radius", 0)
    with pytest.raises(ValueError, match="mode"):
        v.one_of("mode", "c", {"a", "b"})
    assert v.optional_positive_int("n", None) is None


def test_fits_in_memory(monkeypatch):
    monkeypatch.setenv("ZOO_MEMORY_LIMIT", str(16 * 1000))
    v.fits_in_memory("Model", 1000, {"units": 10})  # exactly at the limit: allowed
    with pytest.raises(ValueError, match=r"Model with units=11 would have about 1,001 weights"):
        v.fits_in_memory("Model", 1001, {"units": 11})
    monkeypatch.delenv("ZOO_MEMORY_LIMIT")
    assert v.memory_limit() > 2**28  # this machine's physical memory


def test_constructors_refuse_models_larger_than_memory(monkeypatch):
    from zoo.applications import CharLM, TextClassifier, Translator

    monkeypatch.setenv("ZOO_MEMORY_LIMIT", str(2**30))
    words = ["<pad>", "<unk>", "<s>", "</s>", "a", "b"]
    with pytest.raises(ValueError, match="units=100000"):
        TextClassifier(words, ["x", "y"], units=100_000)
    with pytest.raises(ValueError, match="decoder_units=100000"):
        Translator(words, words, decoder_units=100_000)
    with pytest.raises(ValueError, match="batch_size=10000000"):
        CharLM(CharLM.build_vocabulary("ab"), units=8, batch_size=10**7)
