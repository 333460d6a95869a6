"""Text normalization, reversible word tokenization and vocabularies for the
translator.

Tokens are words and single symbols; a token that starts a whitespace-separated
word carries the marker "▁" (U+2581), so detokenization is exact: join the
tokens, turn the markers into spaces, strip.

    "A man (big), riding."  ->  ▁A ▁man ▁( big ) , ▁riding .

The tokenizer exists twice, with the same regular expressions: in Python (the
training path, any backend) and in core TensorFlow string ops (the exported
SavedModel, which then needs no custom op and runs on stock TF Serving). A
test checks the twins agree on the whole corpus and on fuzzed strings.
"""

import collections

import numpy as np
import regex

MARK = "\u2581"
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
RESERVED = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3

# Whitespace as both regex engines (Python `regex`, RE2) read it.
_SPACES = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]+"
# A symbol, once spaces are plain: anything but a letter, number, mark,
# space or marker.
_SYMBOL = r"([^\p{L}\p{N}\p{M} " + MARK + r"])"


def normalize(text):
    """Whitespace runs to one space, stripped; "▁" becomes "_". (No Unicode
    normalization: feed NFC text, as common corpora are.)"""
    return regex.sub(_SPACES, " ", text.replace(MARK, "_")).strip(" ")


def tokenize(text):
    """Reversible word/symbol tokens of one string (Python twin)."""
    text = normalize(text)
    if not text:
        return []
    text = MARK + text.replace(" ", " " + MARK)
    text = regex.sub(_SYMBOL, r" \1 ", text)
    text = text.replace(MARK + " ", MARK)
    return [t for t in text.split(" ") if t]


def detokenize(tokens):
    """Inverse of `tokenize` (up to whitespace normalization)."""
    return "".join(tokens).replace(MARK, " ").strip(" ")


def tf_normalize(texts):
    """The TensorFlow twin of `normalize` over a string tensor."""
    import tensorflow as tf

    texts = tf.strings.regex_replace(texts, MARK, "_")
    texts = tf.strings.regex_replace(texts, _SPACES, " ")
    return tf.strings.regex_replace(texts, "^ +| +$", "")


def tf_tokenize(texts):
    """The TensorFlow twin of `tokenize` over a string tensor (batch,):
    returns a RaggedTensor of tokens, with core TF ops only."""
    import tensorflow as tf

    texts = tf_normalize(texts)
    texts = MARK + tf.strings.regex_replace(texts, " ", " " + MARK)
    texts = tf.strings.regex_replace(texts, _SYMBOL, r" \1 ")
    texts = tf.strings.regex_replace(texts, MARK + " ", MARK)
    tokens = tf.strings.split(texts, sep=" ")
    # Drop the empty pieces, and the lone marker an empty text leaves.
    return tf.ragged.boolean_mask(tokens, (tokens != "") & (tokens != MARK))


def tf_detokenize(tokens):
    """The TensorFlow twin of `detokenize` over a RaggedTensor of tokens."""
    import tensorflow as tf

    joined = tf.strings.regex_replace(tf.strings.reduce_join(tokens, axis=-1), MARK, " ")
    return tf.strings.regex_replace(joined, "^ +| +$", "")


def tf_lookup_table(vocabulary):
    """A TensorFlow token -> id table of a vocabulary (unknown: UNK_ID)."""
    import tensorflow as tf

    return tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(
            tf.constant(vocabulary), tf.range(len(vocabulary), dtype=tf.int64)
        ),
        default_value=UNK_ID,
    )


def build_vocabulary(texts, min_count=2, max_size=None):
    """Tokens seen at least `min_count` times, most frequent first, after the
    reserved tokens."""
    return vocabulary_from_counts(
        collections.Counter(token for text in texts for token in tokenize(text)), min_count, max_size
    )


def vocabulary_from_counts(counts, min_count=2, max_size=None):
    """The vocabulary of token counts (see `build_vocabulary`)."""
    words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    if max_size is not None:
        words = words[: max_size - len(RESERVED)]
    return list(RESERVED) + words


def check_vocabulary(name, vocabulary):
    if not isinstance(vocabulary, (list, tuple)) or not all(isinstance(w, str) for w in vocabulary):
        raise TypeError(f"`{name}` must be a list of strings; received {type(vocabulary).__name__}.")
    if tuple(vocabulary[: len(RESERVED)]) != RESERVED:
        raise ValueError(
            f"`{name}` must start with the reserved tokens {RESERVED}; received {vocabulary[:4]!r}."
        )
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"`{name}` holds duplicate tokens.")
    if any(not w or any(c.isspace() for c in w) for w in vocabulary):
        raise ValueError(f"`{name}` holds an empty token or a token with whitespace.")
    return list(vocabulary)


def check_texts(name, texts):
    """A list of strings from a string or a sequence of strings."""
    if isinstance(texts, str):
        return [texts], True
    if isinstance(texts, np.ndarray):
        texts = texts.tolist()
    if not isinstance(texts, (list, tuple)):
        raise TypeError(f"`{name}` must be a string or a list of strings; received {type(texts).__name__}.")
    for i, t in enumerate(texts):
        if isinstance(t, bytes):
            raise TypeError(f"`{name}[{i}]` is bytes; decode it to str first (received {t[:20]!r}).")
        if not isinstance(t, str):
            raise TypeError(f"`{name}[{i}]` must be a string; received {type(t).__name__}: {t!r}.")
    return list(texts), False


class Vocabulary:
    """Token <-> id maps of one language."""

    def __init__(self, tokens):
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self):
        return len(self.tokens)

    def encode(self, tokens):
        return [self.ids.get(t, UNK_ID) for t in tokens]

    def decode(self, ids):
        """Tokens up to the first end (or padding) token."""
        out = []
        for i in ids:
            i = int(i)
            if i in (EOS_ID, PAD_ID):
                break
            out.append(self.tokens[i])
        return out


def pad(sequences, length=None, multiple=1):
    """Right-pad lists of ids with PAD_ID to a common length (rounded up to
    `multiple`)."""
    longest = max((len(s) for s in sequences), default=1)
    length = max(length or longest, 1)
    length = -(-length // multiple) * multiple
    out = np.full((len(sequences), length), PAD_ID, dtype="int32")
    for i, s in enumerate(sequences):
        out[i, : len(s)] = s[:length]
    return out
