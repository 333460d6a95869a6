"""zoo.inspect.memory: model-ready memory tasks, their chance baselines, and
a small cell comparison that learns."""

import math

import keras
import numpy as np
import pytest

from zoo import layers
from zoo.inspect.memory import adding_baseline, compare_cells, copy_baseline, format_table, make_task


def test_adding_task():
    x, y, baseline = make_task("adding", 12, 200, seed=0)
    assert x.shape == (200, 12, 2) and y.shape == (200, 1) and x.dtype == y.dtype == np.float32
    markers = x[..., 1]
    np.testing.assert_array_equal(np.sort(np.unique(markers)), [0, 1])
    np.testing.assert_array_equal(markers.sum(1), 2)
    np.testing.assert_array_equal(markers[:, :6].sum(1), 1)  # one marker in each half
    # The sum is taken before the values are rounded to float32: equal to one float32 ulp.
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(1), rtol=2.5e-7, atol=0)
    assert baseline == adding_baseline() == 1 / 6
    _, y_big, _ = make_task("adding", 4, 40000, seed=1)
    assert np.mean((y_big - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)
    np.testing.assert_array_equal(make_task("adding", 12, 200, seed=0)[0], x)


def test_copy_task():
    delay, symbols, span = 7, 5, 3
    x, y, baseline = make_task("copy", delay, 50, seed=0, num_symbols=symbols, copy_length=span)
    length = delay + 2 * span
    assert x.shape == (50, length, symbols + 2) and y.shape == (50, length)
    np.testing.assert_array_equal(x.sum(-1), 1)  # one-hot
    ids = x.argmax(-1)
    assert np.all((ids[:, :span] >= 1) & (ids[:, :span] <= symbols))
    np.testing.assert_array_equal(ids[:, span : span + delay], 0)
    np.testing.assert_array_equal(ids[:, span + delay], symbols + 1)  # the go marker
    np.testing.assert_array_equal(ids[:, span + delay + 1 :], 0)
    np.testing.assert_array_equal(y[:, -span:], ids[:, :span])
    np.testing.assert_array_equal(y[:, :-span], 0)
    # The memoryless predictor: blank for sure, then uniform over the symbols.
    p = np.zeros((length, symbols + 1))
    p[:-span, 0] = 1.0
    p[-span:, 1:] = 1.0 / symbols
    measured = -np.mean(np.log(p[np.arange(length), y]))
    assert baseline == pytest.approx(measured, rel=1e-12)
    assert copy_baseline(100) == pytest.approx(10 * math.log(8) / 120)  # Arjovsky et al.


def test_lstm_learns_adding_problem():
    # Measured: held-out MSE about 0.001-0.003 in about 6 s on two CPU cores.
    rows = compare_cells("adding", ["lstm"], lengths=[10], units=16, epochs=8, num_samples=2000)
    (row,) = rows
    assert row["task"] == "adding" and row["cell"] == "lstm" and row["length"] == 10
    assert row["baseline"] == pytest.approx(1 / 6)
    assert row["loss"] < 0.1 * row["baseline"], row
    assert row["ratio"] == pytest.approx(row["loss"] / row["baseline"])


def test_compare_cells_specs_and_table():
    tiny = {
        "lengths": [2],
        "units": 3,
        "epochs": 1,
        "num_samples": 16,
        "validation_samples": 8,
        "batch_size": 8,
    }
    specs = {
        "zoo cell": layers.IMGCell,
        "keras cell": keras.layers.GRUCell,
        "factory": lambda units: layers.Leaky(units, leak_rate=0.5),
    }
    rows = compare_cells("copy", specs, num_symbols=3, copy_length=2, **tiny)
    assert [r["cell"] for r in rows] == list(specs)
    for r in rows:
        assert r["baseline"] == pytest.approx(2 * math.log(3) / 6) and np.isfinite(r["loss"])
    table = format_table(rows)
    lines = table.splitlines()
    assert (
        lines[0]
        == "| cell | length | units | parameters | held-out loss | baseline | loss / baseline | train s |"
    )
    assert lines[1] == "|---|---:|---:|---:|---:|---:|---:|---:|"
    assert len(lines) == 5 and lines[2].startswith("| zoo cell | 2 | 3 | ")
    row = dict(rows[0], parameters=12345, loss=0.1, baseline=0.2, ratio=0.5, seconds=1.25)
    assert (
        format_table([row]).splitlines()[2] == "| zoo cell | 2 | 3 | 12,345 | 0.1000 | 0.2000 | 0.500 | 1.2 |"
    )


def test_bad_inputs():
    with pytest.raises(ValueError, match="`task`.*task='sort'"):
        make_task("sort", 10, 5)
    with pytest.raises(ValueError, match="`length`.*length=1"):
        make_task("adding", 1, 5)
    with pytest.raises(ValueError, match="`delay`.*delay=0"):
        copy_baseline(0)
    with pytest.raises(TypeError, match="`cells`.*cells=\\[\\]"):
        compare_cells("adding", [], [10])
    with pytest.raises(ValueError, match="`cells`.*'transformer'"):
        compare_cells("adding", ["transformer"], [10])
    with pytest.raises(TypeError, match="`cells\\['x'\\]`.*3"):
        compare_cells("adding", {"x": 3}, [10])
    with pytest.raises(ValueError, match="`lengths`.*lengths=0"):
        compare_cells("adding", ["lstm"], [0])
    with pytest.raises(TypeError, match="`lengths`"):
        compare_cells("adding", ["lstm"], "10")
    with pytest.raises(ValueError, match="`rows` lack"):
        format_table([{"cell": "x"}])
    with pytest.raises(TypeError, match="`rows`"):
        format_table([])
