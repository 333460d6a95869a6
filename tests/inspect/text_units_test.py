"""zoo.inspect.text_units: the per-character signals, the unit search and
the heatmaps."""

import matplotlib
import numpy as np
import pytest

from zoo import layers
from zoo.inspect.record import record
from zoo.inspect.text_units import (
    bracket_depth,
    correlations,
    inside_quotes,
    one_hot,
    position_in_line,
    rank_units,
    text_heatmap,
    text_heatmap_html,
)

TEXT = 'f(a, "x(y")\nok [1]'


def test_signals():
    # after reading:   f  (  a  ,     "  x  (  y  "  )  \n o  k     [  1  ]
    np.testing.assert_array_equal(inside_quotes(TEXT), [0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(
        position_in_line(TEXT), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6]
    )
    np.testing.assert_array_equal(bracket_depth(TEXT), [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 1])
    np.testing.assert_array_equal(bracket_depth(TEXT, pairs="[]"), [0] * 15 + [1, 1, 0])
    np.testing.assert_array_equal(bracket_depth(")("), [0, 1])  # never below 0
    np.testing.assert_array_equal(inside_quotes("'a'b", quote="'"), [1, 1, 0, 0])
    for signal in (inside_quotes, position_in_line, bracket_depth):
        assert signal(TEXT).dtype == np.float32


def test_correlations_and_ranking():
    rng = np.random.default_rng(0)
    signal = inside_quotes(TEXT * 5)
    acts = rng.uniform(-1, 1, (len(signal), 6))
    acts[:, 4] = -signal + 0.05 * rng.standard_normal(len(signal))  # a negative quote unit
    acts[:, 2] = 0.3  # a dead unit
    r = correlations(acts, signal)
    for j in (0, 1, 3, 4, 5):
        assert r[j] == pytest.approx(np.corrcoef(acts[:, j], signal)[0, 1])
    assert r[2] == 0.0
    ranked = rank_units(acts[None], signal[None], top=2)  # (batch, time, units) works too
    assert ranked[0]["unit"] == 4 and ranked[0]["correlation"] < -0.95
    assert len(ranked) == 2 and len(rank_units(acts, signal, top=None)) == 6


def test_recorded_text_and_heatmaps():
    inputs, vocabulary = one_hot(TEXT)
    assert inputs.shape == (1, len(TEXT), len(set(TEXT))) and vocabulary == sorted(set(TEXT))
    np.testing.assert_array_equal(inputs[0].argmax(-1), [vocabulary.index(c) for c in TEXT])
    rec = record(layers.LSTM(8), inputs)
    best = rank_units(rec.c[0], bracket_depth(TEXT), top=1)[0]
    values = rec.h[0, :, best["unit"]]
    fig = text_heatmap(TEXT, values, width=8, title=f"unit {best['unit']}")
    assert isinstance(fig, matplotlib.figure.Figure)
    drawn = [t.get_text() for t in fig.axes[0].texts]
    assert drawn[:2] == ["f", "("] and "\u21b5" in drawn and " " not in drawn
    assert fig.axes[0].images[0].get_array().shape == (3, 8)  # 11 characters wrap at 8, then the newline
    page = text_heatmap_html('<a> "b"', np.array([-1.0, 0, 1, 0, 0.5, 0.5, 0.5]))
    assert page.count("<span") == 7 and "&lt;" in page and "rgb(0,0,255)" in page and "rgb(255,0,0)" in page


def test_bad_inputs():
    with pytest.raises(ValueError, match="`text`.*non-empty"):
        inside_quotes("")
    with pytest.raises(TypeError, match="`text`.*text=3"):
        position_in_line(3)
    with pytest.raises(ValueError, match="`quote`.*'ab'"):
        inside_quotes("x", quote="ab")
    with pytest.raises(ValueError, match=r"`pairs`.*'\(\]\['"):
        bracket_depth("x", pairs="(][")
    with pytest.raises(ValueError, match=r"`signal`.*\(10,\).*\(9,\)"):
        correlations(np.zeros((10, 3)), np.ones(9))
    with pytest.raises(ValueError, match="`signal` is constant"):
        rank_units(np.random.rand(10, 3), np.ones(10))
    with pytest.raises(ValueError, match=r"`activations`.*\(10,\)"):
        rank_units(np.zeros(10), np.arange(10))
    with pytest.raises(ValueError, match="`top`.*top=0"):
        rank_units(np.random.rand(10, 3), np.arange(10), top=0)
    with pytest.raises(ValueError, match=r"`values`.*\(3,\).*\(2,\)"):
        text_heatmap("abc", [0.0, 1.0])
    with pytest.raises(ValueError, match="`vmin`"):
        text_heatmap_html("ab", [0.0, 1.0], vmin=1, vmax=0)
    with pytest.raises(ValueError, match=r"`text`.*\['z'\]"):
        one_hot("az", vocabulary="ab")
