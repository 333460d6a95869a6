"""Tokens, vocabularies, labels and batches of the text classifier.

Two levels of tokens, both from the translator's normalization (whitespace
runs to one space, stripped) after optional lowercasing:

- "word": the translator's reversible word/symbol tokens
  (`translator_preprocessor.tokenize`): "Not bad, really." -> ▁not ▁bad , ▁really .
- "char": one token per Unicode code point, the space written as "▁":
  "not bad" -> n o t ▁ b a d

Each level exists twice, in Python (training, `classify`, any backend) and in
core TensorFlow string ops (the exported SavedModel); a test checks that the
twins agree on the whole polarity corpus and on odd strings.
"""

import collections

import numpy as np

from zoo.applications import translator_preprocessor as tp
from zoo.data.batches import EpochBatches

LEVELS = ("word", "char")


def tokenize(text, level="word", lowercase=True):
    """Tokens of one string (Python twin)."""
    if lowercase:
        text = text.lower()
    if level == "word":
        return tp.tokenize(text)
    return list(tp.normalize(text).replace(" ", tp.MARK))


def tf_tokenize(texts, level="word", lowercase=True):
    """The TensorFlow twin of `tokenize` over a string tensor (batch,):
    a RaggedTensor of tokens, core TF ops only."""
    import tensorflow as tf

    if lowercase:
        texts = tf.strings.lower(texts, encoding="utf-8")
    if level == "word":
        return tp.tf_tokenize(texts)
    texts = tf.strings.regex_replace(tp.tf_normalize(texts), " ", tp.MARK)
    return tf.strings.unicode_split(texts, "UTF-8")


def build_vocabulary(texts, level="word", lowercase=True, min_count=2, max_size=None):
    """Tokens seen at least `min_count` times, most frequent first, after
    the reserved tokens `<pad> <unk> <s> </s>` (the translator's format)."""
    counts = collections.Counter(t for text in texts for t in tokenize(text, level, lowercase))
    return tp.vocabulary_from_counts(counts, min_count, max_size)


def check_labels(labels):
    """The label names: a list of at least two distinct non-empty strings."""
    if not isinstance(labels, (list, tuple)) or not all(isinstance(x, str) for x in labels):
        raise TypeError(f"`labels` must be a list of strings; received labels={labels!r}.")
    if len(labels) < 2:
        raise ValueError(f"`labels` must name at least two classes; received labels={list(labels)!r}.")
    if len(set(labels)) != len(labels) or any(not x for x in labels):
        raise ValueError(f"`labels` must be distinct non-empty strings; received labels={list(labels)!r}.")
    return list(labels)


def label_ids(name, values, labels):
    """Class ids of `values`: label strings from `labels`, or integer ids."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"`{name}` must be a list of labels; received {type(values).__name__}.")
    index = {label: i for i, label in enumerate(labels)}
    out = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            if value not in index:
                raise ValueError(f"`{name}[{i}]` is not one of the labels {labels}; received {value!r}.")
            out.append(index[value])
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            if not 0 <= value < len(labels):
                raise ValueError(
                    f"`{name}[{i}]` must be a label id in [0, {len(labels)}); received {value!r}."
                )
            out.append(int(value))
        else:
            raise TypeError(f"`{name}[{i}]` must be a label string or id; received {value!r}.")
    return out


class ClassificationBatches(EpochBatches):
    """Length-bucketed batches of (token ids, label id) for `fit`
    (`zoo.data.batches.EpochBatches`): texts sorted by length into batches
    with ties broken at random each epoch (so batches change), padded to a
    multiple of 8 (few distinct shapes), the batch order shuffled; epoch e
    depends on (seed, e) only."""

    def __init__(self, ids, labels, batch_size=32, shuffle=True, seed=0, **kwargs):
        self.ids, self.labels = ids, np.asarray(labels, "int32")
        lengths = [len(s) for s in ids]
        super().__init__(lengths, batch_size, shuffle=shuffle, seed=seed, regroup=True, **kwargs)

    def signature(self):
        import tensorflow as tf

        return ({"token_ids": tf.TensorSpec((None, None), tf.int32)}, tf.TensorSpec((None,), tf.int32))

    def make_batch(self, rows):
        return {"token_ids": tp.pad([self.ids[i] for i in rows], multiple=8)}, self.labels[rows]


def ppmi_svd_embeddings(texts, vocabulary, dim, level="word", lowercase=True, window=5, alpha=0.75, seed=0):
    """Token embeddings (len(vocabulary), dim) learnt from unlabelled texts:
    the truncated SVD of the positive pointwise mutual information matrix of
    token co-occurrences within `window` tokens (Levy, Goldberg and Dagan
    2015: context counts smoothed by `alpha`, vectors U sqrt(S), rows
    normalized). Tokens that never occur (and the reserved ones) get small
    random rows. NumPy/SciPy only; seconds on a million tokens."""
    import scipy.sparse
    import scipy.sparse.linalg

    vocab = tp.Vocabulary(vocabulary)
    n = len(vocabulary)
    # One stream of ids; sentence boundaries as padding, which is dropped.
    stream = []
    for text in texts:
        stream += vocab.encode(tokenize(text, level, lowercase)) + [tp.PAD_ID] * window
    stream = np.asarray(stream, "int64")
    rows, cols, values = [], [], []
    for d in range(1, window + 1):
        a, b = stream[:-d], stream[d:]
        keep = (a >= len(tp.RESERVED)) & (b >= len(tp.RESERVED))
        for x, y in ((a[keep], b[keep]), (b[keep], a[keep])):
            rows.append(x)
            cols.append(y)
            values.append(np.full(len(x), 1.0 / d))
    counts = scipy.sparse.coo_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()
    total = counts.sum()
    row_sums = np.asarray(counts.sum(axis=1)).ravel()
    context = np.asarray(counts.sum(axis=0)).ravel() ** alpha
    context /= context.sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data * 1.0 / total) - np.log(row_sums[coo.row] / total) - np.log(context[coo.col])
    keep = pmi > 0
    ppmi = scipy.sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=(n, n))
    u, s, _ = scipy.sparse.linalg.svds(ppmi, k=dim, random_state=seed)
    vectors = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    seen = row_sums > 0
    out = np.random.default_rng(seed).normal(0.0, 0.05, (n, dim))
    out[seen] = vectors[seen] / np.maximum(norms[seen], 1e-8)
    return out.astype("float32")
