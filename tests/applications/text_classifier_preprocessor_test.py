import os

import keras
import numpy as np
import pytest

from tests.applications.text_classifier_test import LABELS, POLARITY, sample, small_classifier
from zoo.applications import TextClassifier
from zoo.applications import text_classifier_preprocessor as cp


@pytest.mark.parametrize("level", ["word", "char"])
def test_tokenizer_twins_agree(level):
    import tensorflow as tf

    texts = [
        "Don't  stop\tme, now!",
        "ÉLAN vital — «très» bien",
        "  ",
        "",
        "naïve café ▁ mark",
        "emoji 🎬 and CJK 電影",
        "ÀÉÎ ÖÜ Straße",
    ]
    if os.path.isdir(POLARITY):
        from zoo.data import sentence_polarity

        texts += sentence_polarity(POLARITY, "all")[0]
    expected = [cp.tokenize(t, level) for t in texts]
    got = cp.tf_tokenize(tf.constant(texts), level).to_list()
    assert [[w.decode() for w in row] for row in got] == expected


def test_char_level_vocabulary():
    vocabulary = TextClassifier.build_vocabulary(["Ab  ba", "c"], level="char", min_count=1)
    assert vocabulary[4:] == ["a", "b", "c", "▁"]  # by count, then code point
    model = small_classifier(["ab ba c"], level="char")
    assert model.tokenize("AB c") == ["a", "b", "▁", "c"]
    assert model.classify("abc").label in LABELS


def test_ppmi_svd_embeddings_and_loading():
    texts = ["the good film", "the fine film", "a bad movie", "a awful movie"] * 20
    vocabulary = TextClassifier.build_vocabulary(texts, min_count=1) + ["▁never"]
    matrix = cp.ppmi_svd_embeddings(texts, vocabulary, dim=3)
    ids = {t: i for i, t in enumerate(vocabulary)}
    assert matrix.shape == (len(vocabulary), 3) and np.isfinite(matrix).all()
    # Words of the same contexts are closer than words of other contexts.
    good, fine, bad = (matrix[ids[w]] for w in ("▁good", "▁fine", "▁bad"))
    assert good @ fine > good @ bad
    model = TextClassifier(vocabulary, LABELS, embedding_dim=3, units=4)
    model.set_token_embeddings(matrix)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.get_layer("embedding").embeddings), matrix)
    with pytest.raises(ValueError, match="`matrix` must be a finite array of shape"):
        model.set_token_embeddings(matrix[:-1])


def test_labels_and_label_ids():
    assert cp.check_labels(["neg", "pos"]) == ["neg", "pos"]
    for bad in (["a"], ["a", "a"], ["a", ""], "ab", ["a", 3], []):
        with pytest.raises((TypeError, ValueError), match="labels"):
            cp.check_labels(bad)
    assert cp.label_ids("labels", ["pos", "neg", "pos"], ["neg", "pos"]) == [1, 0, 1]
    assert cp.label_ids("labels", np.array([1, 0]), ["neg", "pos"]) == [1, 0]
    with pytest.raises(ValueError, match=r"`labels\[0\]` is not one of the labels"):
        cp.label_ids("labels", ["maybe"], ["neg", "pos"])
    with pytest.raises(ValueError, match=r"`labels\[1\]` must be a label id in \[0, 2\); received 2"):
        cp.label_ids("labels", [0, 2], ["neg", "pos"])
    with pytest.raises(TypeError, match=r"`labels\[0\]` must be a label string or id; received True"):
        cp.label_ids("labels", [True], ["neg", "pos"])


def test_classification_batches_cover_every_example_once():
    texts, labels = sample()
    model = small_classifier(texts)
    ids = model.encode(texts)
    label_ids = cp.label_ids("labels", labels, LABELS)
    batches = cp.ClassificationBatches(ids, label_ids, batch_size=7, seed=1)
    rows = []
    for i in range(len(batches)):
        x, y = batches[i]
        assert x["token_ids"].shape[0] == y.shape[0] <= 7
        rows += [(tuple(int(t) for t in row if t), int(label)) for row, label in zip(x["token_ids"], y)]
    assert sorted(rows) == sorted((tuple(r), int(label)) for r, label in zip(ids, label_ids))
