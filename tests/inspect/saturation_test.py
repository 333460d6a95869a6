"""zoo.inspect.saturation: left/right saturation fractions per gate unit and
the Figure-3 style plot."""

import numpy as np
import pytest

from zoo import layers
from zoo.inspect.record import record
from zoo.inspect.saturation import Saturation, plot_saturation, saturation


def test_correctness():
    # 2 sequences x 5 steps, 3 units; strict thresholds (0.1 and 0.9 are not saturated).
    unit0 = [0.05, 0.1, 0.5, 0.9, 0.95]  # 1 left, 1 right per sequence
    unit1 = [0.0, 0.0, 0.0, 0.0, 0.0]  # always left
    unit2 = [1.0, 0.99, 0.91, 0.5, 0.2]  # 3 right
    gate = np.stack([unit0, unit1, unit2], axis=-1)[None].repeat(2, axis=0)
    stats = saturation({"forget": gate})
    assert isinstance(stats, Saturation) and stats.steps == 10 and stats.gates == ["forget"]
    np.testing.assert_array_equal(stats.left["forget"], [0.2, 1.0, 0.0])
    np.testing.assert_array_equal(stats.right["forget"], [0.2, 0.0, 0.6])
    assert stats.summary() == {"forget": (pytest.approx(0.4), pytest.approx(0.8 / 3))}
    wide = saturation({"forget": gate}, low=0.3, high=0.6)
    np.testing.assert_array_equal(wide.left["forget"], [0.4, 1.0, 0.2])
    np.testing.assert_array_equal(wide.right["forget"], [0.4, 0.0, 0.6])


def test_record_and_plot():
    x = np.random.default_rng(0).standard_normal((4, 20, 3)).astype("float32") * 3
    rec = record(layers.LSTM(8), x)
    stats = saturation(rec)
    assert stats.gates == ["input", "forget", "output"]
    for g in stats.gates:
        assert stats.left[g].shape == (8,)
        assert np.all(stats.left[g] + stats.right[g] <= 1)
    candidate = saturation(rec, low=-0.9, high=0.9, gates="candidate")
    assert candidate.gates == ["candidate"]

    fig = plot_saturation(stats)
    assert [ax.get_title() for ax in fig.axes] == ["input gate", "forget gate", "output gate"]
    gru = saturation(record(layers.GRU(8), x))
    fig = plot_saturation({"layer 1": gru, "layer 2": gru})
    assert [ax.get_title() for ax in fig.axes] == ["update gate", "reset gate"]
    assert len(fig.axes[0].collections) == 2 and fig.axes[-1].get_legend() is not None


def test_bad_inputs():
    gate = {"g": np.full((2, 3, 4), 0.5)}
    with pytest.raises(ValueError, match=r"`low`.*low=0.9, high=0.1"):
        saturation(gate, low=0.9, high=0.1)
    with pytest.raises(TypeError, match="`high`.*'x'"):
        saturation(gate, high="x")
    with pytest.raises(ValueError, match=r"`gates`.*\['g'\].*'forget'"):
        saturation(gate, gates=["forget"])
    x = np.zeros((1, 3, 2), "float32")
    with pytest.raises(ValueError, match="`gates` is empty.*SimpleRNN"):
        saturation(record(layers.SimpleRNNCell(3), x))
    with pytest.raises(TypeError, match="`record`.*received record=3"):
        saturation(3)
    with pytest.raises(TypeError, match="`stats`"):
        plot_saturation({"a": gate})
