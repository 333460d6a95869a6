"""Labelled text: one text a line, one file per label, and the sentence
polarity corpus of Pang and Lee (2005) with a fixed train/val/test split."""

import os

import numpy as np

from zoo import validation as v

POLARITY_LABELS = ("negative", "positive")
SPLITS = ("train", "val", "test")


def read_texts(path):
    """Non-empty lines of a text file, stripped. UTF-8, or Latin-1 when the
    file is not valid UTF-8 (the original Cornell release of the polarity
    data is Latin-1; NLTK's copy is UTF-8)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_labelled_files(files):
    """(texts, labels) from `{label: path}` files, one text a line, in the
    order of `files` (labels repeated per line)."""
    if not isinstance(files, dict) or not files:
        raise TypeError(f"`files` must be a non-empty dict of label -> path; received files={files!r}.")
    texts, labels = [], []
    for label, path in files.items():
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No file for label {label!r}: {path}")
        lines = read_texts(path)
        texts += lines
        labels += [label] * len(lines)
    return texts, labels


def split_indices(n, fractions=(0.8, 0.1, 0.1), seed=0):
    """Disjoint index arrays covering range(n), one per fraction, from a
    seeded permutation (deterministic)."""
    fractions = [v.unit_interval("fractions", f, low_open=False) for f in fractions]
    if abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"`fractions` must sum to 1; received fractions={fractions!r}.")
    order = np.random.default_rng(seed).permutation(n)
    bounds = np.round(np.cumsum([0.0] + fractions) * n).astype(int)
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def sentence_polarity(folder, split="train", seed=0):
    """The sentence polarity dataset v1.0 (Pang and Lee 2005; CC BY 4.0):
    movie-review snippets from `rt-polarity.neg` and `rt-polarity.pos` in
    `folder`, labelled "negative"/"positive".

    Args:
        folder: the folder of the two files (e.g.
            `../shared/data/nltk/sentence_polarity`).
        split: "train" (80%), "val" (10%), "test" (10%) of a seeded
            permutation, or "all" (file order).
        seed: the permutation's seed; the shipped preset uses 0.

    Returns:
        (texts, labels): lists of strings.
    """
    v.one_of("split", split, set(SPLITS) | {"all"})
    texts, labels = read_labelled_files(
        {label: os.path.join(folder, f"rt-polarity.{label[:3]}") for label in POLARITY_LABELS}
    )
    if split == "all":
        return texts, labels
    rows = split_indices(len(texts), seed=seed)[SPLITS.index(split)]
    return [texts[i] for i in rows], [labels[i] for i in rows]


def movie_reviews(path):
    """The movie review polarity dataset v2.0 (Pang and Lee 2004; 1,000
    positive and 1,000 negative IMDb reviews, one sentence a line) from NLTK's
    `movie_reviews.zip`: (reviews, labels) with "negative"/"positive"."""
    import zipfile

    texts, labels = [], []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            parts = name.split("/")
            if name.endswith(".txt") and len(parts) == 3 and parts[1] in ("neg", "pos"):
                texts.append(archive.read(name).decode("utf-8", errors="replace"))
                labels.append(POLARITY_LABELS[parts[1] == "pos"])
    if not texts:
        raise ValueError(f"`path` holds no movie_reviews/{{neg,pos}}/*.txt files: {path}")
    return texts, labels
