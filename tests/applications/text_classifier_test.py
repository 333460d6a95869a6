import json
import os

import keras
import numpy as np
import pytest

from zoo.applications import TextClassifier
from zoo.applications import text_classifier_preprocessor as cp
from zoo.applications.text_classifier import Classification

POLARITY = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data", "nltk", "sentence_polarity"
)

# A tiny labelled sample written for these tests (not from any corpus).
POSITIVE = [
    "A warm, funny and wonderful film.",
    "The acting is superb and the story is moving.",
    "I loved every minute of this delightful comedy.",
    "A beautiful, clever and touching movie.",
    "Brilliant performances make it a joy to watch.",
    "Funny, smart and wonderfully acted.",
    "An excellent script and a great cast.",
    "The best film of the year, simply wonderful.",
    "Charming and beautiful from start to finish.",
    "A moving story with great music.",
    "Clever writing and a superb ending.",
    "Delightful, warm and very funny.",
    "A great movie that I will watch again.",
    "The cast is excellent and the film is a joy.",
    "Touching, clever and beautifully shot.",
    "Wonderful music and a brilliant story.",
    "Superb direction, a great film.",
    "It is smart, funny and moving.",
    "I loved the charming cast.",
    "An excellent, delightful comedy.",
]
NEGATIVE = [
    "A dull, boring and tedious film.",
    "The acting is awful and the story is stupid.",
    "I hated every minute of this terrible comedy.",
    "An ugly, lazy and pointless movie.",
    "Bad performances make it a chore to watch.",
    "Boring, stupid and badly acted.",
    "A weak script and a terrible cast.",
    "The worst film of the year, simply awful.",
    "Tedious and ugly from start to finish.",
    "A pointless story with bad music.",
    "Lazy writing and a stupid ending.",
    "Dull, cold and never funny.",
    "A terrible movie that I will never watch again.",
    "The cast is awful and the film is a chore.",
    "Boring, lazy and badly shot.",
    "Awful music and a weak story.",
    "Terrible direction, a bad film.",
    "It is dull, tedious and pointless.",
    "I hated the boring cast.",
    "An awful, tedious comedy.",
]
LABELS = ["negative", "positive"]


def sample():
    texts = POSITIVE + NEGATIVE
    return texts, ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE)


def small_classifier(texts, level="word", **kwargs):
    vocabulary = TextClassifier.build_vocabulary(texts, level=level, min_count=1)
    args = dict(embedding_dim=16, units=12, dropout=0.0, level=level)
    args.update(kwargs)
    return TextClassifier(vocabulary, LABELS, **args)


def logits(model, ids):
    return keras.ops.convert_to_numpy(model({"token_ids": np.asarray(ids, "int32")}))


def test_basics_and_serialization():
    texts, _ = sample()
    model = small_classifier(texts, cell="LSTM", num_layers=2, pooling="mean")
    config = model.get_config()
    json.dumps(config)
    clone = TextClassifier.from_config(config)
    clone.set_weights(model.get_weights())
    assert clone.get_config() == config
    ids = cp.tp.pad(model.encode(texts[:4]))
    np.testing.assert_allclose(logits(clone, ids), logits(model, ids), atol=1e-6)
    assert logits(model, ids).shape == (4, 2)


@pytest.mark.parametrize(
    "options",
    [
        dict(cell="GRU", pooling="max"),
        dict(cell="LSTM", pooling="last"),
        dict(cell="GRU", pooling="last", bidirectional=False),
        dict(cell="PMU", pooling="mean", num_layers=2),
    ],
)
def test_masking(options):
    """Padding never changes the logits, whatever the pooling and cell."""
    texts, _ = sample()
    model = small_classifier(texts, **options)
    ids = model.encode(texts[:3] + ["film"])
    short = cp.tp.pad(ids)
    long = cp.tp.pad(ids, length=short.shape[1] + 9)
    np.testing.assert_allclose(logits(model, long), logits(model, short), atol=1e-5)
    # One text alone (no padding at all) gives the same as in the batch.
    np.testing.assert_allclose(logits(model, [ids[3]])[0], logits(model, short)[3], atol=1e-5)


def test_preset_roundtrip(tmp_path):
    texts, _ = sample()
    model = small_classifier(texts, level="char", max_length=40)
    folder = str(tmp_path / "preset")
    model.save_to_preset(folder, metadata={"data": "test sample"})
    loaded = TextClassifier.from_preset(folder)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_allclose(
        loaded.predict_probabilities(texts[:5]), model.predict_probabilities(texts[:5]), atol=1e-6
    )
    with open(tmp_path / "preset" / "assets" / "labels.txt", encoding="utf-8") as f:
        assert f.read().split() == LABELS


def test_classify_api():
    texts, _ = sample()
    model = small_classifier(texts)
    one = model.classify("A funny film.")
    assert isinstance(one, Classification) and one.label in LABELS
    assert list(one.probabilities) == LABELS and abs(sum(one.probabilities.values()) - 1) < 1e-5
    label, probabilities = one  # a plain tuple too
    assert probabilities[label] == max(probabilities.values())
    many = model.classify(texts[:7] + ["Zebra quokka!"], batch_size=3)  # unknown words are fine
    assert [r.label for r in many[:7]] == [r.label for r in model.classify(texts[:7])]
    assert model.classify(np.array(texts[:2])) == model.classify(texts[:2])
    long = " ".join(["funny"] * 500)  # truncated to max_length
    assert model.classify(long).probabilities == pytest.approx(
        model.classify(" ".join(["funny"] * model.max_length)).probabilities, abs=1e-6
    )


@pytest.mark.parametrize(
    "texts, error, match",
    [
        (123, TypeError, "`texts` must be a string or a list"),
        ([b"bytes"], TypeError, r"`texts\[0\]` is bytes"),
        (["ok", ["nested"]], TypeError, r"`texts\[1\]` must be a string"),
        (["fine", "   "], ValueError, r"`texts\[1\]` has no tokens"),
        ("", ValueError, r"`texts\[0\]` has no tokens"),
    ],
)
def test_classify_bad_input(texts, error, match):
    model = small_classifier(sample()[0])
    with pytest.raises(error, match=match):
        model.classify(texts)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(cell="Transformer"), ValueError, "`cell` must be one of"),
        (dict(labels=["only"]), ValueError, "`labels` must name at least two"),
        (dict(labels=["a", "a"]), ValueError, "`labels` must be distinct"),
        (dict(labels="ab"), TypeError, "`labels` must be a list"),
        (dict(pooling="sum"), ValueError, "`pooling` must be one of"),
        (dict(level="byte"), ValueError, "`level` must be one of"),
        (dict(units=0), ValueError, "`units` must be a positive integer"),
        (dict(dropout=1.0), ValueError, r"`dropout` must be in \[0, 1\)"),
        (dict(bidirectional="yes"), TypeError, "`bidirectional` must be True or False"),
        (dict(vocabulary=["a", "b"]), ValueError, "`vocabulary` must start with"),
        (dict(unknown=1), TypeError, "unexpected keyword"),
    ],
)
def test_constructor_bad_arguments(kwargs, error, match):
    args = dict(vocabulary=TextClassifier.build_vocabulary(["a b"], min_count=1), labels=LABELS)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        TextClassifier(**args)


def test_prepare_bad_arguments():
    texts, labels = sample()
    model = small_classifier(texts)
    with pytest.raises(ValueError, match="same length"):
        model.prepare(texts, labels[:-1])
    with pytest.raises(ValueError, match=r"`labels\[0\]` is not one of the labels"):
        model.prepare(texts[:1], ["neutral"])
    with pytest.raises(ValueError, match=r"`labels\[0\]` must be a label id in \[0, 2\)"):
        model.prepare(texts[:1], [2])
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        model.prepare(texts, labels, batch_size=0)
    with pytest.raises(ValueError, match="`max_size` must be > 4"):
        TextClassifier.build_vocabulary(texts, max_size=3)


def test_prepare_batches():
    texts, labels = sample()
    model = small_classifier(texts)
    data = model.prepare(texts, labels, batch_size=8)
    source = data.zoo_epoch_source
    seen = []
    for x, y in data:
        ids = x["token_ids"].numpy()
        assert ids.shape[1] % 8 == 0 and ids.shape[0] == y.shape[0] <= 8
        seen += [(tuple(model.vocab.tokens[i] for i in row if i), int(label)) for row, label in zip(ids, y)]
    expected = [(tuple(model.tokenize(t)), LABELS.index(label)) for t, label in zip(texts, labels)]
    assert sorted(seen) == sorted(expected)
    # The order of an epoch depends on (seed, epoch) only.
    source.set_epoch(3)
    first = [b[1].tolist() for b in (source[i] for i in range(len(source)))]
    source.set_epoch(3)
    assert first == [b[1].tolist() for b in (source[i] for i in range(len(source)))]


def test_fit_learns_sample():
    """Loss falls and held-out sentences of the same words are classified."""
    texts, labels = sample()
    keras.utils.set_random_seed(0)
    model = small_classifier(texts)
    model.compile(optimizer=keras.optimizers.Adam(0.02), jit_compile=False)
    history = model.fit((texts, labels), epochs=12, batch_size=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    held_out = [
        "A superb and delightful film.",
        "A tedious, awful movie.",
        "Warm and clever.",
        "Lazy and dull.",
    ]
    assert [r.label for r in model.classify(held_out)] == ["positive", "negative", "positive", "negative"]


def test_learns_polarity_slice():
    """Above chance on held-out real movie-review snippets after a short fit."""
    if not os.path.isdir(POLARITY):
        pytest.skip(f"sentence polarity data not found at {POLARITY} (../shared/data is absent)")
    from zoo.applications.text_classifier_eval import evaluate
    from zoo.data import sentence_polarity

    train_texts, train_labels = sentence_polarity(POLARITY, "train")
    val_texts, val_labels = sentence_polarity(POLARITY, "val")
    keras.utils.set_random_seed(0)
    model = small_classifier(train_texts[:1500], embedding_dim=32, units=16, dropout=0.2)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), jit_compile=False)
    history = model.fit((train_texts[:1500], train_labels[:1500]), epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert evaluate(model, val_texts[:300], val_labels[:300])["accuracy"] > 0.6
