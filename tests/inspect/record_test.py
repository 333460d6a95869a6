"""zoo.inspect.record: the recorded states equal the layers' own outputs for
every supported cell, and the recorded gates are the ones that made them."""

import keras
import numpy as np
import pytest

from zoo import layers
from zoo.inspect.record import Record, record, recurrent_blocks

X = np.random.default_rng(0).standard_normal((3, 9, 5)).astype("float32")

LAYERS = {
    "SimpleRNN": lambda: layers.SimpleRNN(6),
    "SimpleRNN-relu": lambda: layers.SimpleRNN(6, activation="relu"),
    "Jordan": lambda: layers.Jordan(6, output_units=4, state_decay=0.3),
    "LSTM": lambda: layers.LSTM(6),
    "LSTM-peepholes-layer_norm": lambda: layers.LSTM(6, use_peepholes=True, layer_norm=True),
    "GRU-reset_after": lambda: layers.GRU(6),
    "GRU-reset_before": lambda: layers.GRU(6, reset_after=False),
    "GRU-no_bias": lambda: layers.GRU(6, use_bias=False),
    "Leaky": lambda: layers.Leaky(6, leak_rate=np.geomspace(1, 0.05, 6)),
    "Leaky-skip-learned": lambda: layers.Leaky(6, leak_rate=0.3, learn_leak_rate=True, skip_length=3),
    "EchoState": lambda: layers.EchoState(6, leak_rate=0.5, seed=1),
    "IMG": lambda: layers.IMG(6),
    "PMU": lambda: layers.PMU(6),
    "RNN(IMGCell)-go_backwards": lambda: layers.RNN(layers.IMGCell(6), go_backwards=True),
    "keras.SimpleRNN": lambda: keras.layers.SimpleRNN(6),
    "keras.LSTM": lambda: keras.layers.LSTM(6),
    "keras.GRU-reset_after": lambda: keras.layers.GRU(6),
    "keras.GRU-reset_before": lambda: keras.layers.GRU(6, reset_after=False),
    "keras.RNN(LSTMCell)-go_backwards": lambda: keras.layers.RNN(keras.layers.LSTMCell(6), go_backwards=True),
}


def _randomized(make):
    """A built layer whose every weight (peepholes, norms, biases included)
    is moved away from its initial value, so no term is trivially zero."""
    layer = make()
    layer.build(X.shape)
    rng = np.random.default_rng(1)
    for w in layer.weights:
        value = np.asarray(w.numpy())
        if "leak_rates" in w.path:
            value = rng.uniform(0.05, 1.0, value.shape)
        else:
            value = value + 0.3 * rng.standard_normal(value.shape)
        w.assign(value.astype(value.dtype))
    return layer


@pytest.mark.parametrize("name", list(LAYERS))
def test_correctness(name):
    layer = _randomized(LAYERS[name])
    layer.return_sequences, layer.return_state = True, True
    outputs, *final = layer(X)
    rec = record(layer, X)
    assert isinstance(rec, Record)
    np.testing.assert_allclose(rec.h, np.asarray(outputs), atol=1e-5, rtol=0)
    for got, want in zip(rec.final_states, final):
        np.testing.assert_allclose(got, np.asarray(want), atol=1e-5, rtol=0)
    for key, array in rec.arrays().items():
        assert array.shape[:2] == (3, 9), key


@pytest.mark.parametrize(
    "cell", [layers.GRUCell(5, reset_after=False), keras.layers.GRUCell(5)], ids=["zoo", "keras"]
)
def test_cell_and_initial_state(cell):
    # A bare (unbuilt) cell is built for the inputs; initial states are used.
    h0 = np.random.default_rng(2).standard_normal((3, 5)).astype("float32")
    rec = record(cell, X, initial_state=[h0])
    expected = keras.layers.RNN(cell, return_sequences=True)(X, initial_state=[h0])
    np.testing.assert_allclose(rec.h, np.asarray(expected), atol=1e-5, rtol=0)


def test_gates_are_the_ones_used():
    # Rebuild each update from the recorded gates in NumPy.
    lstm = _randomized(LAYERS["LSTM"])
    r = record(lstm, X)
    c_prev = np.concatenate([np.zeros_like(r.c[:, :1]), r.c[:, :-1]], axis=1)
    g = r.gates
    np.testing.assert_allclose(r.c, g["forget"] * c_prev + g["input"] * r.candidate, atol=1e-5)
    np.testing.assert_allclose(r.h, g["output"] * np.tanh(r.c), atol=1e-5)
    np.testing.assert_array_equal(r.retain, g["forget"])
    assert sorted(g) == ["forget", "input", "output"]
    for gate in g.values():
        assert np.all((gate > 0) & (gate < 1))

    def previous(h):
        return np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)

    gru = record(_randomized(LAYERS["GRU-reset_after"]), X)
    z = gru.gates["update"]
    np.testing.assert_allclose(gru.h, z * previous(gru.h) + (1 - z) * gru.candidate, atol=1e-5)
    assert sorted(gru.gates) == ["reset", "update"]
    img = record(_randomized(LAYERS["IMG"]), X)
    gate = img.gates["gate"]
    np.testing.assert_allclose(img.h, (1 - gate) * previous(img.h) + gate * img.candidate, atol=1e-5)
    np.testing.assert_allclose(img.retain, 1 - gate, atol=1e-7)
    pmu = record(_randomized(LAYERS["PMU"]), X)
    z = pmu.gates["update"]
    np.testing.assert_allclose(pmu.h, z * pmu.candidate + (1 - z) * previous(pmu.h), atol=1e-5)
    leaky = layers.Leaky(6, leak_rate=[1, 0.5, 0.25, 0.1, 0.05, 0.01])
    np.testing.assert_allclose(record(leaky, X).retain[1, 4], 1 - np.array([1, 0.5, 0.25, 0.1, 0.05, 0.01]))
    jordan = record(_randomized(LAYERS["Jordan"]), X)
    assert jordan.extras["hidden"].shape == (3, 9, 6) and jordan.h.shape == (3, 9, 4)
    assert jordan["state"] is jordan.extras["state"]
    with pytest.raises(KeyError, match="name='c'"):
        jordan["c"]


def test_recurrent_blocks():
    lstm = _randomized(LAYERS["LSTM"])
    blocks, default = recurrent_blocks(lstm)
    assert default == "candidate" and sorted(blocks) == ["candidate", "forget", "input", "output"]
    kernel = np.asarray(lstm.cell.recurrent_kernel.numpy())
    np.testing.assert_array_equal(blocks["forget"], kernel[:, 6:12])
    with pytest.raises(ValueError, match="not built"):
        recurrent_blocks(layers.GRUCell(3))


class _RedefinedStep(layers.SimpleRNNCell):
    def step(self, projected, states, training=False):
        return super().step(2 * projected, states, training)


class _SameStep(layers.SimpleRNNCell):
    pass


def test_subclasses():
    rec = record(_SameStep(4), X)
    assert rec.family == "simple_rnn"
    with pytest.raises(TypeError, match="cell_or_layer.*redefines the step"):
        record(_RedefinedStep(4), X)


@pytest.mark.parametrize(
    "obj, match",
    [
        (keras.layers.Dense(3), "cell_or_layer.*Dense"),
        (keras.layers.Bidirectional(layers.LSTM(3)), "cell_or_layer.*Bidirectional"),
        (keras.layers.RNN([layers.LSTMCell(3), layers.GRUCell(3)]), "cell_or_layer.*stacked"),
        ("lstm", "cell_or_layer.*'lstm'"),
    ],
    ids=["dense", "bidirectional", "stacked", "string"],
)
def test_unsupported(obj, match):
    with pytest.raises(TypeError, match=match):
        record(obj, X)


def test_bad_inputs():
    lstm = layers.LSTM(4)
    with pytest.raises(ValueError, match=r"`inputs`.*rank 3.*\(9, 5\)"):
        record(lstm, X[0])
    with pytest.raises(ValueError, match=r"`inputs`.*\(3, 0, 5\)"):
        record(lstm, X[:, :0])
    with pytest.raises(ValueError, match="`inputs` must be finite"):
        record(lstm, np.full((1, 2, 5), np.nan))
    record(lstm, X)
    with pytest.raises(ValueError, match=r"`inputs` must have 5 features.*\(3, 9, 2\)"):
        record(lstm, X[..., :2])
    with pytest.raises(ValueError, match=r"`initial_state`.*\[\(3, 4\), \(3, 4\)\].*\[\(3, 4\)\]"):
        record(lstm, X, initial_state=[np.zeros((3, 4))])
