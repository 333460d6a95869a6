"""TextClassifier: a (bi)directional recurrent encoder of any zoo cell over
word or character embeddings, pooled over time into one vector, then a
softmax over the labels (the many-to-one recurrent classifier).

Implementation notes: the padding mask (token id 0) reaches every recurrent
layer, so padded steps carry the state over and never enter the pooling;
"last" pooling concatenates the forward output at the last real token with
the backward output at the first (the two final states), "mean" and "max"
pool the top layer's outputs over the real tokens only. An empty text
(no tokens) pools to zeros. The preprocessor (lowercasing, tokenization,
vocabulary lookup) belongs to the model: it is part of its configuration
and preset, `prepare`/`fit`/`classify` take raw strings, and the exported
SavedModel takes strings too (its TensorFlow twin, core ops only). The Keras
graph itself takes token ids, so the model trains on any backend.
"""

import typing

import keras
import numpy as np
from keras import ops

from zoo import layers
from zoo import validation as v
from zoo.application import Application
from zoo.applications import text_classifier_preprocessor as cp
from zoo.applications import translator_preprocessor as tp
from zoo.applications.cells import cell_class
from zoo.jit import compile_function

POOLINGS = ("last", "mean", "max")


class Classification(typing.NamedTuple):
    """One result of `TextClassifier.classify`: the most probable label and
    the probability of every label (a dict, in the order of `labels`)."""

    label: str
    probabilities: dict


@keras.saving.register_keras_serializable(package="zoo")
class MaskedPooling(keras.layers.Layer):
    """Pools (batch, time, features) sequence outputs over the unmasked steps.

    Args:
        mode: "last" (the output at the last unmasked step; with
            `bidirectional`, the forward half there and the backward half at
            the first step), "mean" or "max".
        bidirectional: the features are [forward; backward] halves.

    Call arguments:
        inputs: (batch, time, features).
        mask: (batch, time) booleans, True at real steps (right padding).

    Returns:
        (batch, features); zeros for a sequence without unmasked steps.
    """

    def __init__(self, mode="max", bidirectional=True, **kwargs):
        super().__init__(**kwargs)
        self.mode = v.one_of("mode", mode, set(POOLINGS))
        self.bidirectional = bool(bidirectional)
        self.supports_masking = True  # consumes the mask; the output has none

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        weights = ops.cast(ops.expand_dims(mask, -1), inputs.dtype)  # (batch, time, 1)
        count = ops.sum(weights, axis=1)  # (batch, 1)
        if self.mode == "mean":
            return ops.sum(inputs * weights, axis=1) / ops.maximum(count, 1.0)
        if self.mode == "max":
            lowest = ops.min(inputs) - 1.0
            pooled = ops.max(ops.where(weights > 0, inputs, lowest), axis=1)
            return ops.where(count > 0, pooled, ops.zeros_like(pooled))
        last = ops.maximum(ops.cast(count[:, 0], "int32") - 1, 0)  # (batch,)
        forward = ops.take_along_axis(inputs, ops.reshape(last, (-1, 1, 1)), axis=1)[:, 0]
        forward = forward * ops.cast(count > 0, inputs.dtype)
        if not self.bidirectional:
            return forward
        half = inputs.shape[-1] // 2
        return ops.concatenate([forward[:, :half], inputs[:, 0, half:]], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "bidirectional": self.bidirectional}


@keras.saving.register_keras_serializable(package="zoo")
class TextClassifier(Application):
    """Text classification with a recurrent encoder; raw strings in.

    Args:
        vocabulary: token list starting with `<pad> <unk> <s> </s>` (see
            `TextClassifier.build_vocabulary`); words or characters, as
            `level` says.
        labels: the class names (at least two distinct strings).
        cell: the recurrent cell: "GRU" (default), "LSTM", "SimpleRNN",
            "IMG", "PMU" or "Leaky".
        embedding_dim: size of the token embeddings.
        units: units of each direction of each recurrent layer.
        bidirectional: read the text both ways (outputs concatenated).
        num_layers: stacked recurrent layers.
        dropout: dropout on the embeddings, between layers and before the
            output layer.
        pooling: how the top layer's outputs become one vector: "max"
            (default), "mean" or "last" (see `MaskedPooling`).
        level: "word" or "char" tokens.
        lowercase: lowercase texts before tokenizing.
        max_length: longer texts are truncated to this many tokens.

    Example:

    >>> classifier = TextClassifier.from_preset("text_classifier_polarity")
    >>> classifier.classify("a gorgeous, witty film")
    Classification(label='positive', probabilities={'negative': 0.03, 'positive': 0.97})

    Reference:
        Hochreiter and Schmidhuber, "Long short-term memory", 1997; Schuster
        and Paliwal, "Bidirectional recurrent neural networks", 1997;
        Conneau et al., "Supervised learning of universal sentence
        representations" (max pooling over BiLSTM outputs), EMNLP 2017.
    """

    asset_fields = ("vocabulary", "labels")

    def __init__(
        self,
        vocabulary,
        labels,
        cell="GRU",
        embedding_dim=128,
        units=128,
        bidirectional=True,
        num_layers=1,
        dropout=0.3,
        pooling="max",
        level="word",
        lowercase=True,
        max_length=256,
        **kwargs,
    ):
        vocabulary = tp.check_vocabulary("vocabulary", vocabulary)
        labels = cp.check_labels(labels)
        cell_cls = cell_class(cell)
        for name, value in (
            ("embedding_dim", embedding_dim),
            ("units", units),
            ("num_layers", num_layers),
            ("max_length", max_length),
        ):
            v.positive_int(name, value)
        v.rate("dropout", dropout)
        directions = 2 if bidirectional else 1
        v.fits_in_memory(
            "TextClassifier",
            len(vocabulary) * embedding_dim
            + num_layers * directions * 4 * units * (max(embedding_dim, directions * units) + units + 2)
            + directions * units * (len(labels) + 1),
            {"embedding_dim": embedding_dim, "units": units, "num_layers": num_layers},
        )
        v.one_of("pooling", pooling, set(POOLINGS))
        v.one_of("level", level, set(cp.LEVELS))
        for name, value in (("bidirectional", bidirectional), ("lowercase", lowercase)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"`{name}` must be True or False; received {name}={value!r}.")

        token_ids = keras.Input((None,), dtype="int32", name="token_ids")
        mask = ops.not_equal(token_ids, tp.PAD_ID)
        x = keras.layers.Embedding(len(vocabulary), embedding_dim, name="embedding")(token_ids)
        x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
        for i in range(num_layers):
            if bidirectional:
                rnn = layers.RNN(cell_cls(units), return_sequences=True)
                rnn = keras.layers.Bidirectional(rnn, name=f"encoder_{i}")
            else:
                rnn = layers.RNN(cell_cls(units), return_sequences=True, name=f"encoder_{i}")
            x = rnn(x, mask=mask)  # (batch, time, directions * units)
            if i < num_layers - 1:
                x = keras.layers.Dropout(dropout, name=f"encoder_dropout_{i}")(x)
        x = MaskedPooling(pooling, bidirectional, name="pooling")(x, mask=mask)
        x = keras.layers.Dropout(dropout, name="pooled_dropout")(x)
        logits = keras.layers.Dense(len(labels), name="logits")(x)
        super().__init__(inputs={"token_ids": token_ids}, outputs=logits, **kwargs)

        self.vocabulary = vocabulary
        self.labels = labels
        self.cell = cell
        self.embedding_dim = embedding_dim
        self.units = units
        self.bidirectional = bool(bidirectional)
        self.num_layers = num_layers
        self.dropout = dropout
        self.pooling = pooling
        self.level = level
        self.lowercase = bool(lowercase)
        self.max_length = max_length
        self.vocab = tp.Vocabulary(vocabulary)
        self._probabilities_fn = None

    def get_config(self):
        return {
            "vocabulary": self.vocabulary,
            "labels": self.labels,
            "cell": self.cell,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "bidirectional": self.bidirectional,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "pooling": self.pooling,
            "level": self.level,
            "lowercase": self.lowercase,
            "max_length": self.max_length,
            "name": self.name,
        }

    # --- preprocessing ----------------------------------------------------

    @staticmethod
    def build_vocabulary(texts, level="word", lowercase=True, min_count=2, max_size=None):
        """The vocabulary of training texts: tokens (words or characters, as
        `level` says) seen at least `min_count` times, at most `max_size`
        entries with the four reserved tokens."""
        texts, _ = tp.check_texts("texts", texts)
        v.one_of("level", level, set(cp.LEVELS))
        v.positive_int("min_count", min_count)
        max_size = v.optional_positive_int("max_size", max_size)
        if max_size is not None and max_size <= len(tp.RESERVED):
            raise ValueError(f"`max_size` must be > {len(tp.RESERVED)}; received max_size={max_size!r}.")
        return cp.build_vocabulary(texts, level, bool(lowercase), min_count, max_size)

    def set_token_embeddings(self, matrix):
        """Load pretrained token embeddings, (len(vocabulary), embedding_dim),
        e.g. from `text_classifier_preprocessor.ppmi_svd_embeddings`."""
        matrix = np.asarray(matrix, "float32")
        expected = (len(self.vocabulary), self.embedding_dim)
        if matrix.shape != expected or not np.all(np.isfinite(matrix)):
            raise ValueError(
                f"`matrix` must be a finite array of shape {expected}; received shape {matrix.shape}."
            )
        self.get_layer("embedding").embeddings.assign(matrix)

    def tokenize(self, text):
        """The tokens this model reads of one text (before truncation)."""
        return cp.tokenize(text, self.level, self.lowercase)

    def encode(self, texts):
        """Token ids of texts, truncated to `max_length`."""
        return [self.vocab.encode(self.tokenize(t)[: self.max_length]) for t in texts]

    def prepare(self, texts, labels, batch_size=32, shuffle=True, seed=0):
        """A `fit`-ready dataset of texts and their labels (label strings or
        ids): a `tf.data.Dataset` of length-bucketed, padded batches
        (`ClassificationBatches`; a `keras.utils.PyDataset` without
        TensorFlow), reshuffled every epoch from (seed, epoch)."""
        texts, _ = tp.check_texts("texts", texts)
        ids = cp.label_ids("labels", labels, self.labels)
        if len(texts) != len(ids):
            raise ValueError(
                f"`texts` and `labels` must have the same length; received {len(texts)} and {len(ids)}."
            )
        if not texts:
            raise ValueError("`texts` is empty: nothing to prepare.")
        batch_size = v.positive_int("batch_size", batch_size)
        batches = cp.ClassificationBatches(self.encode(texts), ids, batch_size, shuffle=shuffle, seed=seed)
        return batches.as_tf_dataset() or batches

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """`keras.Model.compile` with classifier defaults: Adam (1e-3,
        gradient norm clipped at 1), cross-entropy on the logits, accuracy."""
        optimizer = optimizer or keras.optimizers.Adam(1e-3, clipnorm=1.0)
        loss = loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        metrics = ["accuracy"] if metrics is None else metrics
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def fit(self, x=None, y=None, batch_size=None, validation_data=None, **kwargs):
        """`keras.Model.fit`; `x` (and `validation_data`) may also be a pair
        (texts, labels), prepared with `prepare` (batch size 32 by
        default)."""

        def texts_and_labels(data):
            return isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], (list, tuple, str))

        if texts_and_labels(x) and y is None:
            x = self.prepare(x[0], x[1], batch_size=batch_size or 32)
            batch_size = None
        if texts_and_labels(validation_data):
            validation_data = self.prepare(*validation_data, batch_size=64, shuffle=False)
        if hasattr(x, "zoo_epoch_source"):
            kwargs.setdefault("shuffle", False)  # it shuffles by epoch itself
        return super().fit(x, y, batch_size=batch_size, validation_data=validation_data, **kwargs)

    # --- inference ------------------------------------------------------------

    def probabilities_of_ids(self, token_ids):
        """Label probabilities (batch, labels) of padded token ids, in
        `keras.ops` (traceable; used by `classify` and `export`)."""
        return ops.softmax(self({"token_ids": token_ids}, training=False), axis=-1)

    def predict_probabilities(self, texts, batch_size=64):
        """Label probabilities of texts as an array (texts, labels); an empty
        text gets the probabilities of an empty token sequence."""
        texts, _ = tp.check_texts("texts", texts)
        batch_size = v.positive_int("batch_size", batch_size)
        if self._probabilities_fn is None:
            # No XLA: classify sees many shapes (batch, length) and an XLA
            # compilation per shape costs more than it saves here.
            self._probabilities_fn = compile_function(
                self.probabilities_of_ids, jit_compile=False, variables=self.variables
            )
        ids = self.encode(texts)
        out = np.zeros((len(texts), len(self.labels)), "float32")
        # Length-sorted batches (less padding), then back to the input order.
        order = np.argsort([len(i) for i in ids], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = tp.pad([ids[i] for i in rows], multiple=8)
            out[rows] = keras.ops.convert_to_numpy(self._probabilities_fn(batch))
        return out

    def classify(self, texts, batch_size=64):
        """Classify texts.

        Args:
            texts: a string or a list of strings. Unknown words (or
                characters) read as `<unk>`; texts longer than `max_length`
                tokens are truncated. A text with no tokens (empty or all
                spaces) is an error.
            batch_size: texts classified at once.

        Returns:
            A `Classification(label, probabilities)` per text (a list; one
            `Classification` for a string): the most probable label and a
            dict of every label's probability.
        """
        texts, single = tp.check_texts("texts", texts)
        for i, text in enumerate(texts):
            if not self.tokenize(text):
                raise ValueError(f"`texts[{i}]` has no tokens to classify; received {text!r}.")
        probabilities = self.predict_probabilities(texts, batch_size)
        out = [
            Classification(self.labels[int(np.argmax(p))], {k: float(q) for k, q in zip(self.labels, p)})
            for p in probabilities
        ]
        return out[0] if single else out

    # --- serving ---------------------------------------------------------------

    def export(self, path):
        """Write a TF-Serving SavedModel with a `classify` signature (also
        `serving_default`): strings of any shape in; `label_ids`, `labels`
        and `probabilities` (the shape plus a labels axis) out.
        Tokenization and lookup run inside, in core TensorFlow ops. Needs the
        TensorFlow backend."""
        from zoo.applications.text_classifier_export import export_text_classifier

        return export_text_classifier(self, path)
