import json
import os
import shutil

import keras
import numpy as np
import pytest

from tests.applications.conftest import read_multi30k, toy_pairs
from zoo import presets
from zoo.applications import Translator
from zoo.applications import translator_preprocessor as tp


def _teacher_forced_vs_steps(model, sources, targets):
    ds = model.prepare(sources[:4], targets[:4], batch_size=4, shuffle=False)
    (x, _) = next(iter(ds))
    x = {k: np.asarray(val) for k, val in x.items()}
    full = keras.ops.convert_to_numpy(model(x, training=False))
    states, constants = model.encode(x["source_ids"])
    steps = []
    for t in range(x["target_ids"].shape[1]):
        logits, states = model.decode_step(x["target_ids"][:, t], states, constants)
        steps.append(keras.ops.convert_to_numpy(logits))
    np.testing.assert_allclose(np.stack(steps, 1), full, atol=1e-5)


@pytest.mark.parametrize("attention", ["bahdanau", "luong", "none"])
def test_stepwise_matches_full_sequence(attention):
    sources, targets = toy_pairs()
    sv, tv = Translator.build_vocabularies(sources, targets, min_count=1)
    for cell in ("GRU", "LSTM") if attention == "luong" else ("GRU",):
        model = Translator(
            sv,
            tv,
            embedding_dim=8,
            encoder_units=8,
            decoder_units=8,
            attention_units=8,
            cell=cell,
            attention=attention,
        )
        _teacher_forced_vs_steps(model, sources, targets)


def test_fit_learns_and_beam_one_equals_greedy(toy_translator):
    model, sources, targets = toy_translator
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    history = model.fit((sources, targets), epochs=40, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    greedy = model.translate(sources[:8])
    assert greedy == targets[:8]
    assert model.translate(sources[:8], sampler="beam", beam_size=1) == greedy
    assert model.translate(sources[:8], sampler="beam", beam_size=3) == targets[:8]


def test_learns_on_real_data():
    sources, targets = read_multi30k("train", "en", 1500), read_multi30k("train", "de", 1500)
    keras.utils.set_random_seed(0)
    sv, tv = Translator.build_vocabularies(sources, targets, min_count=2)
    model = Translator(
        sv, tv, embedding_dim=64, encoder_units=64, decoder_units=64, attention_units=32, dropout=0.1
    )
    model.compile(label_smoothing=0.0)
    history = model.fit(model.prepare(sources, targets, batch_size=32), epochs=3, verbose=0)
    losses = history.history["loss"]
    # Unigram entropy of German words is ~6 nats; attention beats it fast.
    assert losses[-1] < losses[0] - 1.0, losses


def test_bad_input(toy_translator):
    model, sources, _ = toy_translator
    assert model.translate("") == ""
    assert model.translate(["", "   "]) == ["", ""]
    assert isinstance(model.translate("Völlig unbekannte Wörter ✓"), str)  # unknown tokens are <unk>
    long_text = " ".join(["dog"] * 500)
    assert isinstance(model.translate(long_text), str)  # truncated to max_source_length
    with pytest.raises(TypeError, match="texts"):
        model.translate(42)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        model.translate(["ok", None])
    with pytest.raises(ValueError, match="sampler"):
        model.translate("a", sampler="nucleus")
    with pytest.raises(ValueError, match="beam_size"):
        model.translate("a", sampler="beam", beam_size=0)
    with pytest.raises(ValueError, match="length_penalty"):
        model.translate("a", length_penalty=-1)
    with pytest.raises(ValueError, match="same length"):
        model.prepare(["a"], ["b", "c"])
    with pytest.raises(ValueError, match="cell"):
        Translator(model.source_vocabulary, model.target_vocabulary, cell="Transformer")
    with pytest.raises(ValueError, match="attention"):
        Translator(model.source_vocabulary, model.target_vocabulary, attention="monotonic")
    with pytest.raises(ValueError, match="decoder_units"):
        Translator(model.source_vocabulary, model.target_vocabulary, decoder_units=0)


def test_saving(toy_translator, tmp_path):
    model, sources, _ = toy_translator
    path = str(tmp_path / "t.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.translate(sources[:5], sampler="beam") == model.translate(sources[:5], sampler="beam")


def test_preset_roundtrip_and_corruption(toy_translator, tmp_path):
    model, sources, targets = toy_translator
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    model.fit((sources, targets), epochs=3, verbose=0)
    folder = model.save_to_preset(str(tmp_path / "preset"), metadata={"data": "toy"})
    assert sorted(os.listdir(folder)) == ["assets", "config.json", "metadata.json", "model.weights.h5"]
    loaded = Translator.from_preset(folder)
    assert loaded.translate(sources[:6]) == model.translate(sources[:6])
    assert loaded.preset_metadata["data"] == "toy"

    # A corrupt weights file fails whole, naming the path and the hash.
    bad = str(tmp_path / "bad")
    shutil.copytree(folder, bad)
    weights = os.path.join(bad, "model.weights.h5")
    with open(weights, "r+b") as f:
        f.seek(os.path.getsize(weights) // 2)
        f.write(b"\x00garbage\x00")
    with pytest.raises(presets.PresetError, match="corrupt") as err:
        Translator.from_preset(bad)
    assert weights in str(err.value) and json.load(open(os.path.join(bad, "metadata.json")))["sha256"][
        "model.weights.h5"
    ] in str(err.value)
    os.remove(weights)
    with pytest.raises(presets.PresetError, match="missing"):
        Translator.from_preset(bad)
    with pytest.raises(presets.PresetError, match="not for"):
        presets.load(folder, "Captioner")
    with pytest.raises(presets.PresetError, match="Unknown preset"):
        Translator.from_preset("no_such_preset")


def test_alignment_and_plot(toy_translator):
    model, sources, targets = toy_translator
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    model.fit((sources, targets), epochs=25, verbose=0)
    source, target, weights = model.alignment(sources[0])
    assert weights.shape == (len(target), len(source))
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    ax = model.plot_attention(sources[0])
    assert len(ax.get_xticklabels()) == len(source)
    baseline = Translator(
        model.source_vocabulary,
        model.target_vocabulary,
        attention="none",
        embedding_dim=8,
        encoder_units=8,
        decoder_units=8,
    )
    with pytest.raises(ValueError, match="no attention"):
        baseline.alignment("a")


def test_end_token_and_unknown_never_emitted_midway(toy_translator):
    model, sources, _ = toy_translator
    ids = keras.ops.convert_to_numpy(model.generate_ids(tp.pad(model.encode_sources(sources[:3]))))
    assert not np.any(ids == tp.UNK_ID) and not np.any(ids == tp.BOS_ID)


def test_streamed_shards_equal_in_memory_batches(toy_translator, tmp_path):
    model, sources, targets = toy_translator
    sources = sources + ["Völlig unbekannt", "A  man\u00a0runs ."]
    targets = targets + ["", "Ein Mann rennt."]
    paths = Translator.write_shards(sources, targets, str(tmp_path), num_shards=3, verbose=0)
    assert Translator.build_vocabularies_from_files(paths, min_count=1, verbose=0) == (
        Translator.build_vocabularies(sources, targets, min_count=1)
    )

    def rows(dataset):
        out = []
        for x, y in dataset:
            for s, t_in, t_out in zip(*(np.asarray(a) for a in (x["source_ids"], x["target_ids"], y))):
                assert len(s) % 8 == 0 and len(t_in) % 8 == 0
                out.append(tuple(tuple(int(i) for i in a if i != tp.PAD_ID) for a in (s, t_in, t_out)))
        return sorted(out)

    streamed = model.prepare_files(paths, batch_size=8, shuffle_buffer=0)
    assert rows(streamed) == rows(model.prepare(sources, targets, batch_size=8, shuffle=False))
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(model.prepare_files(paths, batch_size=8, seed=0), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
