"""Contracts every zoo cell meets: fused path equals the plain Keras loop,
Bidirectional and stacked use, dropout, serialization of `RNN(cell)`."""

import keras
import numpy as np
import pytest

from zoo import layers, testing

CELLS = {
    "SimpleRNN": lambda **kw: layers.SimpleRNNCell(5, **kw),
    "Jordan": lambda **kw: layers.JordanCell(5, output_units=3, state_decay=0.3, **kw),
    "LSTM": lambda **kw: layers.LSTMCell(5, **kw),
    "LSTM-peephole-ln": lambda **kw: layers.LSTMCell(5, use_peepholes=True, layer_norm=True, **kw),
    "GRU": lambda **kw: layers.GRUCell(5, **kw),
    "GRU-v3": lambda **kw: layers.GRUCell(5, reset_after=False, **kw),
    "Leaky": lambda **kw: layers.LeakyCell(5, leak_rate=[0.1, 0.3, 0.5, 0.8, 1.0], skip_length=2, **kw),
    "EchoState": lambda **kw: layers.EchoStateCell(5, connectivity=0.6, **{"seed": 1, **kw}),
    "IMG": lambda **kw: layers.IMGCell(5, **kw),
    "PMU": lambda **kw: layers.PMUCell(5, **kw),
}


def _pair(make, **kw):
    """The same cell config and weights on the fused and the plain path."""
    x = testing.random_inputs((3, 6, 4))
    a, b = make(seed=11, **kw), make(seed=11, **kw)
    return x, a, b


@pytest.mark.parametrize("name", sorted(CELLS))
def test_stepwise_matches_fused(name):
    x = testing.random_inputs((3, 6, 4))
    lengths = np.array([6, 3, 1])
    mask = np.arange(6)[None] < lengths[:, None]
    for rnn_kwargs, call_kwargs in [
        ({"return_sequences": True, "return_state": True}, {}),
        ({"return_sequences": True, "return_state": True}, {"mask": mask}),
        ({"return_sequences": True, "go_backwards": True}, {"mask": mask}),
    ]:
        fused = layers.RNN(CELLS[name](seed=11), **rnn_kwargs)
        plain = keras.layers.RNN(CELLS[name](seed=11), **rnn_kwargs)
        fused(x, **call_kwargs)
        plain(x, **call_kwargs)
        plain.set_weights(fused.get_weights())
        testing.assert_same_outputs_and_gradients(fused, plain, x, call_kwargs)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_dropout_masks_same_on_both_paths(name):
    x, cell_a, cell_b = _pair(CELLS[name], dropout=0.3, recurrent_dropout=0.3)
    fused = layers.RNN(cell_a, return_sequences=True)
    plain = keras.layers.RNN(cell_b, return_sequences=True)
    fused(x)
    plain(x)
    plain.set_weights(fused.get_weights())
    train_fused = fused(x, training=True)
    train_plain = plain(x, training=True)
    testing.assert_allclose(train_fused, train_plain)
    assert not np.allclose(keras.ops.convert_to_numpy(train_fused), keras.ops.convert_to_numpy(fused(x)))


@pytest.mark.parametrize("name", sorted(CELLS))
def test_bidirectional_and_stacked(name, tmp_path):
    x = testing.random_inputs((2, 5, 4))
    inputs = keras.Input((5, 4))
    y = keras.layers.Bidirectional(layers.RNN(CELLS[name](), return_sequences=True))(inputs)
    y = layers.RNN([CELLS[name](), CELLS[name]()])(y)
    model = keras.Model(inputs, y)
    out = model(x)
    assert out.shape[0] == 2
    path = str(tmp_path / "m.keras")
    model.save(path)
    testing.assert_allclose(keras.saving.load_model(path)(x), out)


def test_bidirectional_of_cell_layers():
    x = testing.random_inputs((2, 5, 4))
    for layer in (
        layers.LSTM(3, return_sequences=True),
        layers.GRU(3),
        layers.IMG(3),
        layers.Leaky(3, skip_length=2),
    ):
        bi = keras.layers.Bidirectional(layer)
        forward = bi(x)
        assert forward.shape[-1] == 6


def test_cell_layer_exposes_cell_arguments():
    layer = layers.LSTM(7, use_peepholes=True)
    assert layer.units == 7 and layer.use_peepholes
    with pytest.raises(AttributeError):
        layer.not_an_argument  # noqa: B018


def test_rnn_wraps_any_keras_cell():
    x = testing.random_inputs((2, 5, 4))
    ours = layers.RNN(keras.layers.LSTMCell(3), return_sequences=True)
    theirs = keras.layers.RNN(keras.layers.LSTMCell(3), return_sequences=True)
    ours(x)
    theirs(x)
    theirs.set_weights(ours.get_weights())
    testing.assert_allclose(ours(x), theirs(x))


def test_mismatched_initial_state_raises():
    with pytest.raises(ValueError, match="initial_state"):
        layers.GRU(4)(np.zeros((2, 3, 2), "float32"), initial_state=[np.zeros((3, 4), "float32")])
    with pytest.raises(ValueError, match="initial_state"):
        layers.RNN(layers.LSTMCell(4))(
            np.zeros((2, 3, 2), "float32"), initial_state=[np.zeros((2, 4), "float32")] * 3
        )


@pytest.fixture
def mixed_bfloat16():
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    keras.mixed_precision.set_global_policy(previous)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_trains_under_mixed_bfloat16(name, mixed_bfloat16):
    # Keras 3.15.1's own LSTM fails here on JAX ("Unknown output type
    # bfloat16"); every zoo cell must compute in bfloat16 with float32
    # variables and train inside a jit-compiled step.
    x = testing.random_inputs((4, 6, 4))
    y = testing.random_inputs((4, 1), seed=2)
    layer = layers.RNN(CELLS[name](), return_sequences=True)
    model = keras.Sequential(
        [
            keras.Input((6, 4)),
            layer,
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, dtype="float32"),
        ]
    )
    assert layer.compute_dtype == "bfloat16" and layer.cell.variable_dtype == "float32"
    assert keras.backend.standardize_dtype(layer(x).dtype) == "bfloat16"
    model.compile(keras.optimizers.Adam(0.01), "mse", jit_compile=True)
    before = [np.array(w) for w in model.get_weights()]
    losses = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses))
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
