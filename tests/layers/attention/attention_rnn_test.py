import keras
import numpy as np
import pytest

from zoo import layers, testing

CONFIGS = {
    "bahdanau-gru": lambda: layers.AttentionRNN(
        layers.GRUCell(6), layers.BahdanauAttention(5), return_alignments=True
    ),
    "bahdanau-lstm-norm": lambda: layers.AttentionRNN(
        layers.LSTMCell(6), layers.BahdanauAttention(5, normalize=True), return_alignments=True
    ),
    "luong-feeding": lambda: layers.AttentionRNN(
        layers.LSTMCell(6),
        layers.LuongAttention("general"),
        mode="luong",
        attention_units=7,
        return_alignments=True,
    ),
    "luong-concat-img": lambda: layers.AttentionRNN(
        layers.IMGCell(6),
        layers.LuongAttention("concat", units=4, scale=True),
        mode="luong",
        input_feeding=False,
        return_alignments=True,
    ),
    "luong-dot-pmu": lambda: layers.AttentionRNN(
        layers.PMUCell(4), layers.LuongAttention("dot"), mode="luong", return_alignments=True
    ),
}


def _inputs():
    x, memory = testing.random_inputs((3, 5, 3)), testing.random_inputs((3, 6, 4), seed=1)
    mask = np.array([[1] * 6, [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]], bool)
    return x, memory, mask


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_stepwise_matches_full_sequence(name):
    x, memory, mask = _inputs()
    decoder = CONFIGS[name]()
    y, alignments = decoder(x, memory, memory_mask=mask)
    states = decoder.get_initial_state(3)
    keys = decoder.prepare_memory(memory)
    outs, aligns = [], []
    for t in range(5):
        out, states, a = decoder.step(x[:, t], states, memory, keys, mask)
        outs.append(out)
        aligns.append(a)
    testing.assert_allclose([np.stack(outs, 1), np.stack(aligns, 1)], [y, alignments], atol=1e-6)
    a = keras.ops.convert_to_numpy(alignments)
    assert np.all(a[~np.broadcast_to(mask[:, None], a.shape)] == 0)
    np.testing.assert_allclose(a.sum(-1), 1.0, atol=1e-5)


def test_bahdanau_mode_equations():
    # s_t = cell([x_t; c_t], s_{t-1}) with c_t from s_{t-1}; output [s_t; c_t].
    x, memory, mask = _inputs()
    cell, attention = layers.GRUCell(6), layers.BahdanauAttention(5)
    decoder = layers.AttentionRNN(cell, attention, return_state=True)
    y, s = decoder(x, memory, memory_mask=mask)
    h = np.zeros((3, 6), "float32")
    for t in range(5):
        c, _ = attention(h, memory, memory_mask=mask)
        h, _ = cell(np.concatenate([x[:, t], keras.ops.convert_to_numpy(c)], -1), [h])
        h = keras.ops.convert_to_numpy(h)
        expected = np.concatenate([h, keras.ops.convert_to_numpy(c)], -1)
        testing.assert_allclose(keras.ops.convert_to_numpy(y)[:, t], expected, atol=1e-6)
    testing.assert_allclose(s, h, atol=1e-6)


def test_initial_state_and_return_state():
    x, memory, mask = _inputs()
    decoder = layers.AttentionRNN(
        layers.LSTMCell(6),
        layers.LuongAttention("general"),
        mode="luong",
        attention_units=5,
        return_state=True,
    )
    init = [testing.random_inputs((3, 6), seed=5), testing.random_inputs((3, 6), seed=6)]
    y, h, c, feed = decoder(x, memory, memory_mask=mask, initial_state=init)
    assert tuple(y.shape) == (3, 5, 5) and tuple(feed.shape) == (3, 5)
    testing.assert_allclose(feed, keras.ops.convert_to_numpy(y)[:, -1])
    with pytest.raises(ValueError, match="initial_state"):
        decoder(x, memory, initial_state=init[:1])


@pytest.mark.parametrize("name", ["bahdanau-gru", "luong-feeding"])
def test_trains_in_a_jit_compiled_model_and_saves(name, tmp_path):
    x, memory, mask = _inputs()
    dec_in, mem_in = keras.Input((5, 3)), keras.Input((6, 4))
    mask_in = keras.Input((6,), dtype="bool")
    decoder = CONFIGS[name]()
    y, _ = decoder(dec_in, mem_in, memory_mask=mask_in)
    model = keras.Model([dec_in, mem_in, mask_in], keras.layers.Dense(2)(y))
    model.compile("adam", "mse", jit_compile=True)
    before = model.get_weights()
    history = model.fit([x, memory, mask], np.ones((3, 5, 2)), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    path = str(tmp_path / "m.keras")
    model.save(path)
    testing.assert_allclose(keras.saving.load_model(path)([x, memory, mask]), model([x, memory, mask]))


def test_dropout_is_one_mask_per_batch():
    x, memory, mask = _inputs()
    decoder = layers.AttentionRNN(
        layers.GRUCell(6, dropout=0.5, recurrent_dropout=0.5, seed=1), layers.BahdanauAttention(5)
    )
    y_train = decoder(x, memory, memory_mask=mask, training=True)
    y_infer = decoder(x, memory, memory_mask=mask)
    assert not np.allclose(keras.ops.convert_to_numpy(y_train), keras.ops.convert_to_numpy(y_infer))
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(y_train)))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="mode"):
        layers.AttentionRNN(layers.GRUCell(3), layers.BahdanauAttention(3), mode="other")
    with pytest.raises(TypeError, match="attention"):
        layers.AttentionRNN(layers.GRUCell(3), keras.layers.Dense(3))
    with pytest.raises(ValueError, match="attention_units"):
        layers.AttentionRNN(layers.GRUCell(3), layers.BahdanauAttention(3), attention_units=4)
    with pytest.raises(ValueError, match="inputs"):
        layers.AttentionRNN(layers.GRUCell(3), layers.BahdanauAttention(3))(
            np.zeros((2, 3), "float32"), np.zeros((2, 4, 3), "float32")
        )


@pytest.mark.parametrize("name", ["bahdanau-lstm-norm", "luong-feeding"])
def test_trains_under_mixed_bfloat16(name):
    x, memory, mask = _inputs()
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        dec_in, mem_in = keras.Input((5, 3)), keras.Input((6, 4))
        mask_in = keras.Input((6,), dtype="bool")
        y, alignments = CONFIGS[name]()(dec_in, mem_in, memory_mask=mask_in)
        model = keras.Model([dec_in, mem_in, mask_in], keras.layers.Dense(2, dtype="float32")(y))
        model.compile("adam", "mse", jit_compile=True)
        history = model.fit([x, memory, mask], np.ones((3, 5, 2)), epochs=2, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        weights = keras.ops.convert_to_numpy(keras.Model(model.inputs, alignments)([x, memory, mask]))
        np.testing.assert_allclose(weights.astype("float32").sum(-1), 1.0, atol=2e-2)
    finally:
        keras.mixed_precision.set_global_policy(previous)
