import os
import zipfile

import numpy as np
import pytest

from zoo.data import read_labelled_files, sentence_polarity
from zoo.data.labelled import movie_reviews, split_indices

POLARITY = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data", "nltk", "sentence_polarity"
)


def test_split_indices_deterministic_and_disjoint():
    parts = split_indices(101, seed=3)
    assert [len(p) for p in parts] == [81, 10, 10]
    assert sorted(np.concatenate(parts).tolist()) == list(range(101))
    assert all((a == b).all() for a, b in zip(parts, split_indices(101, seed=3)))
    assert not all((a == b).all() for a, b in zip(parts, split_indices(101, seed=4)))
    with pytest.raises(ValueError, match="`fractions` must sum to 1"):
        split_indices(10, (0.5, 0.2))


def test_read_labelled_files_utf8_and_latin1(tmp_path):
    (tmp_path / "pos").write_bytes("très bien\n\n  good  \n".encode())
    (tmp_path / "neg").write_bytes("mauvais caf\xe9\n".encode("latin-1"))  # not UTF-8
    texts, labels = read_labelled_files({"pos": str(tmp_path / "pos"), "neg": str(tmp_path / "neg")})
    assert texts == ["très bien", "good", "mauvais café"] and labels == ["pos", "pos", "neg"]
    with pytest.raises(FileNotFoundError, match="'x'"):
        read_labelled_files({"x": str(tmp_path / "missing")})
    with pytest.raises(TypeError, match="`files`"):
        read_labelled_files(["a"])


def test_sentence_polarity_splits():
    if not os.path.isdir(POLARITY):
        pytest.skip(f"sentence polarity data not found at {POLARITY} (../shared/data is absent)")
    splits = [sentence_polarity(POLARITY, s) for s in ("train", "val", "test")]
    everything = sentence_polarity(POLARITY, "all")
    assert [len(t) for t, _ in splits] == [7670, 959, 959] and len(everything[0]) == 9588
    assert sorted(t for texts, _ in splits for t in texts) == sorted(everything[0])
    assert set(splits[2][1]) == {"negative", "positive"}
    assert splits[0] == sentence_polarity(POLARITY, "train")
    with pytest.raises(ValueError, match="`split` must be one of"):
        sentence_polarity(POLARITY, "dev")


def test_movie_reviews(tmp_path):
    path = tmp_path / "movie_reviews.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("movie_reviews/pos/cv000.txt", "a fine film .\nreally .\n")
        archive.writestr("movie_reviews/neg/cv001.txt", "dull .\n")
        archive.writestr("movie_reviews/README", "readme")
    texts, labels = movie_reviews(str(path))
    assert texts == ["dull .\n", "a fine film .\nreally .\n"] and labels == ["negative", "positive"]
