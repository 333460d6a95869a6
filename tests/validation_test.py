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
