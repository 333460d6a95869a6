"""CharLM: a character-level recurrent language model (Karpathy's char-rnn,
Graves 2013 Sec. 3), trained by truncated backpropagation through time over
consecutive windows with the recurrent state carried between them.

Implementation notes: characters are embedded (a learned embedding in place
of char-rnn's one-hot input), run through `layers` stacked recurrent layers
of any zoo cell with dropout between them (Zaremba et al. 2014: on the
non-recurrent connections only), and a softmax head gives the next
character. Training is the k1 = k2 = `seq_length` scheme: `prepare` cuts the
text into `batch_size` contiguous streams, window t+1 of row i continues
window t of row i, and the model keeps the final state of each batch in
non-trainable variables (`carry`) as the initial state of the next, so the
gradient is truncated at window borders but the state is not. The carried
state is reset at the start of every epoch and of every evaluation.
Inference (`generate`, `score`) never touches the carry: it threads an
explicit state of its own through compiled loops.
"""

import math

import keras
import numpy as np
from keras import ops

from zoo import distribute
from zoo import layers as zoo_layers
from zoo import validation as v
from zoo.application import Application
from zoo.applications.cells import cell_class
from zoo.jit import compile_function
from zoo.samplers import random_search

UNK = "\ufffd"
UNKNOWN_POLICIES = ("error", "replace")


# --- the character vocabulary ------------------------------------------------


def build_vocabulary(text, min_count=1):
    """`[UNK] + ` the sorted characters that occur at least `min_count`
    times in `text`. UNK (U+FFFD) stands for every other character."""
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string; received {type(text).__name__}.")
    if not text:
        raise ValueError("`text` must not be empty; received text=''.")
    v.positive_int("min_count", min_count)
    chars, counts = np.unique(np.array(list(text)), return_counts=True)
    return [UNK] + sorted(str(c) for c, n in zip(chars, counts) if n >= min_count and c != UNK)


def check_vocabulary(vocabulary):
    if isinstance(vocabulary, str) or not isinstance(vocabulary, (list, tuple)):
        raise TypeError(f"`vocabulary` must be a list of characters; received {type(vocabulary).__name__}.")
    vocabulary = list(vocabulary)
    bad = [c for c in vocabulary if not isinstance(c, str) or len(c) != 1]
    if bad:
        raise ValueError(f"`vocabulary` must hold single characters; received {bad[:5]!r}.")
    if len(vocabulary) < 2 or vocabulary[0] != UNK:
        raise ValueError(
            "`vocabulary` must start with the unknown character U+FFFD and hold at least one other "
            "character (see `CharLM.build_vocabulary`)."
        )
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError("`vocabulary` has repeated characters.")
    return vocabulary


# --- metrics that are exact under stateful training ---------------------------


@keras.saving.register_keras_serializable(package="zoo")
class NatsPerCharacter(keras.metrics.Metric):
    """Mean negative log-likelihood in nats over every character seen, from
    logits: sum of NLL / number of characters (a batch of short windows
    weighs by its characters, not as one batch). `scale` multiplies the
    result (1/ln 2 for bits)."""

    def __init__(self, name="nats_per_char", scale=1.0, **kwargs):
        super().__init__(name=name, **kwargs)
        self.scale = float(scale)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total", aggregation="sum")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count", aggregation="sum")

    def update_state(self, y_true, y_pred, sample_weight=None):
        logp = ops.log_softmax(ops.cast(y_pred, "float32"), axis=-1)
        nll = -ops.take_along_axis(logp, ops.expand_dims(ops.cast(y_true, "int32"), -1), axis=-1)[..., 0]
        weight = ops.ones_like(nll) if sample_weight is None else ops.cast(sample_weight, "float32")
        self.total.assign_add(ops.sum(nll * weight))
        self.count.assign_add(ops.sum(weight))

    def mean(self):
        return self.total / ops.maximum(self.count, 1.0)

    def result(self):
        return self.mean() * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@keras.saving.register_keras_serializable(package="zoo")
class BitsPerCharacter(NatsPerCharacter):
    """`NatsPerCharacter` in bits: nats / ln 2."""

    def __init__(self, name="bits_per_char", **kwargs):
        kwargs.pop("scale", None)
        super().__init__(name=name, scale=1.0 / math.log(2.0), **kwargs)


@keras.saving.register_keras_serializable(package="zoo")
class Perplexity(NatsPerCharacter):
    """exp(mean nats per character) over every character seen."""

    def __init__(self, name="perplexity", **kwargs):
        kwargs.pop("scale", None)
        super().__init__(name=name, **kwargs)

    def result(self):
        return ops.exp(self.mean())


# --- the data pipeline -----------------------------------------------------------


class StatefulWindows(keras.utils.PyDataset):
    """Consecutive windows of `batch_size` contiguous character streams.

    The ids (N,) are cut into `batch_size` streams of L = (N - 1) //
    batch_size inputs each (the last few characters, fewer than
    `batch_size`, are dropped); batch t holds columns [t T, (t + 1) T) of
    every stream (T = `seq_length`; the last window may be shorter), and its
    targets are the same positions shifted by one character. Row i of batch
    t + 1 therefore continues row i of batch t, which is what the carried
    state needs. The order is fixed (no shuffling: it would break the
    streams).
    """

    def __init__(self, ids, batch_size, seq_length, **kwargs):
        super().__init__(**kwargs)
        ids = np.asarray(ids, "int32")
        self.batch_size, self.seq_length = batch_size, seq_length
        self.stream_length = (len(ids) - 1) // batch_size
        if self.stream_length < 1:
            raise ValueError(
                f"The text ({len(ids)} characters) is too short for batch_size={batch_size}: it needs at "
                f"least batch_size + 1 = {batch_size + 1} characters."
            )
        used = batch_size * self.stream_length
        self.inputs = ids[:used].reshape(batch_size, self.stream_length)  # (batch, L)
        self.targets = ids[1 : used + 1].reshape(batch_size, self.stream_length)
        # Stream i's targets end where stream i + 1's inputs begin, shifted
        # by one: ids[1 + used] is never a target.

    def __len__(self):
        return -(-self.stream_length // self.seq_length)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(index)
        columns = slice(index * self.seq_length, (index + 1) * self.seq_length)
        return self.inputs[:, columns], self.targets[:, columns]

    @property
    def num_characters(self):
        """Characters predicted per pass (the denominator of the metrics)."""
        return self.inputs.size

    def as_tf_dataset(self):
        """The windows as a `tf.data.Dataset` in order (None without
        TensorFlow), batch dimension static so the model knows to carry."""
        try:
            import tensorflow as tf
        except ImportError:
            return None
        inputs, targets = tf.constant(self.inputs), tf.constant(self.targets)
        length, size = self.stream_length, self.seq_length

        def window(t):
            start = t * size
            end = tf.minimum(start + size, length)
            return inputs[:, start:end], targets[:, start:end]

        dataset = tf.data.Dataset.range(len(self)).map(window).prefetch(4)
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(self)))
        dataset.zoo_windows = self
        return dataset


# --- the recurrent stack with a carried state --------------------------------------


class CarriedRNNStack(keras.layers.Layer):
    """Stacked recurrent layers (dropout after each) whose final states are
    carried to the next call in non-trainable variables.

    On a batch of `batch_size` rows (per replica) the initial states are the
    carried ones and the final states are written back; in training any
    other batch size is an error (it would silently train statelessly),
    outside training other batch sizes start from zeros and carry nothing.
    `call_with_state` runs with explicit states and never touches the
    carry. The carry is not part of the saved weights.
    """

    def __init__(self, cell, units, num_layers, dropout, batch_size, **kwargs):
        super().__init__(**kwargs)
        cls = cell_class(cell)
        self.cell, self.units, self.num_layers = cell, units, num_layers
        self.dropout, self.batch_size = dropout, batch_size
        self.rnns = [
            zoo_layers.RNN(cls(units), return_sequences=True, return_state=True, name=f"rnn_{i}")
            for i in range(num_layers)
        ]
        self.dropouts = [keras.layers.Dropout(dropout, name=f"dropout_{i}") for i in range(num_layers)]
        size = self.rnns[0].cell.state_size
        self.state_sizes = list(size) if isinstance(size, (list, tuple)) else [size]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for rnn in self.rnns:
            rnn.build(shape)
            shape = shape[:-1] + (self.units,)
        # Under tf.distribute each replica carries the state of its own rows.
        self.rows = max(self.batch_size // distribute.num_replicas(), 1)
        self.carry = [
            [
                keras.Variable(
                    np.zeros((self.rows, size), "float32"),
                    trainable=False,
                    name=f"carry_{i}_{j}",
                    synchronization="on_read",
                    aggregation="mean",
                )
                for j, size in enumerate(self.state_sizes)
            ]
            for i in range(self.num_layers)
        ]

    # The carry is the state of a training run, not a weight: presets and
    # checkpoints leave it out (and stay loadable at any batch size).
    def save_own_variables(self, store):
        pass

    def load_own_variables(self, store):
        pass

    def initial_state(self, batch):
        return [[ops.zeros((batch, size)) for size in self.state_sizes] for _ in range(self.num_layers)]

    def reset_carry(self):
        for states in self.carry:
            for variable in states:
                variable.assign(ops.zeros(variable.shape))

    def call_with_state(self, x, states, mask=None, training=False):
        """(outputs (batch, time, units), final states) from explicit
        states [[layer 0 states], [layer 1 states], ...]."""
        new_states = []
        for rnn, dropout, state in zip(self.rnns, self.dropouts, states):
            out = rnn(x, initial_state=list(state), mask=mask, training=training)
            x = dropout(out[0], training=training)
            new_states.append(list(out[1:]))
        return x, new_states

    def step(self, x, states):
        """One time step (no dropout): x (batch, features) -> (output,
        states), on the cells directly."""
        new_states = []
        for rnn, state in zip(self.rnns, states):
            x, state = rnn.cell(x, list(state))
            new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
        return x, new_states

    def call(self, x, training=False):
        rows = x.shape[0]
        carried = rows is None or rows == self.rows
        if not carried and training:
            raise ValueError(
                f"CharLM trains statefully on batches of batch_size={self.batch_size} rows (the carried "
                f"state has {self.rows} rows per replica); received a batch of {rows}. Make the data "
                "with `CharLM.prepare`."
            )
        if carried:
            states = [[ops.convert_to_tensor(c) for c in layer] for layer in self.carry]
        else:
            states = self.initial_state(ops.shape(x)[0])
        y, new_states = self.call_with_state(x, states, training=training)
        if carried:
            for variables, values in zip(self.carry, new_states):
                for variable, value in zip(variables, values):
                    variable.assign(ops.cast(value, variable.dtype))
        return y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "cell": self.cell,
            "units": self.units,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "batch_size": self.batch_size,
        }


class ResetCarry(keras.callbacks.Callback):
    """Zero the carried state at the start of each epoch, evaluation and
    prediction (added by `CharLM.fit`/`evaluate`/`predict`)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.model.reset_state()

    def on_test_begin(self, logs=None):
        self.model.reset_state()

    def on_predict_begin(self, logs=None):
        self.model.reset_state()


# --- the application ------------------------------------------------------------


@keras.saving.register_keras_serializable(package="zoo")
class CharLM(Application):
    """Character-level recurrent language model.

    Args:
        vocabulary: list of characters, starting with the unknown character
            U+FFFD (see `CharLM.build_vocabulary`).
        embedding_dim: size of the character embeddings.
        units: units of each recurrent layer.
        layers: number of stacked recurrent layers.
        cell: "LSTM" (default), "GRU", "SimpleRNN", "IMG", "PMU" or "Leaky".
        dropout: dropout after the embedding and after every recurrent
            layer (not on the recurrent connections).
        batch_size: rows of the stateful training batches (`prepare`
            makes them): the carried state has this many rows. It does not
            affect inference, and may be overridden in `from_preset`.

    The model maps ids (batch, time) to next-character logits (batch, time,
    vocabulary). Mean nats per character (`score`) / ln 2 is bits per
    character; exp of it the perplexity.

    Example:

    >>> text = open("input.txt").read()
    >>> lm = CharLM(CharLM.build_vocabulary(text), units=512, layers=3)
    >>> lm.compile()
    >>> lm.fit(lm.prepare(text, seq_length=100), epochs=20)
    >>> lm.generate("ROMEO:", 200, temperature=0.8)

    Reference:
        Graves, "Generating sequences with recurrent neural networks",
        arXiv:1308.0850, 2013, Sec. 3.
        Karpathy, "The unreasonable effectiveness of recurrent neural
        networks", 2015 (char-rnn).
        Zaremba, Sutskever and Vinyals, "Recurrent neural network
        regularization", arXiv:1409.2329, 2014.
    """

    def __init__(
        self,
        vocabulary,
        embedding_dim=64,
        units=512,
        layers=3,
        cell="LSTM",
        dropout=0.2,
        batch_size=64,
        **kwargs,
    ):
        vocabulary = check_vocabulary(vocabulary)
        cell_class(cell)
        for name, value in (
            ("embedding_dim", embedding_dim),
            ("units", units),
            ("layers", layers),
            ("batch_size", batch_size),
        ):
            v.positive_int(name, value)
        v.rate("dropout", dropout)
        v.fits_in_memory(  # weights, plus the carried state (2 tensors a layer for an LSTM)
            "CharLM",
            len(vocabulary) * (embedding_dim + units + 1)
            + layers * 4 * units * (max(embedding_dim, units) + units + 2)
            + layers * 2 * batch_size * units,
            {"embedding_dim": embedding_dim, "units": units, "layers": layers, "batch_size": batch_size},
        )

        embedding = keras.layers.Embedding(len(vocabulary), embedding_dim, name="embedding")
        embedding_dropout = keras.layers.Dropout(dropout, name="embedding_dropout")
        stack = CarriedRNNStack(cell, units, layers, dropout, batch_size, name="stack")
        head = keras.layers.Dense(len(vocabulary), name="logits")

        ids = keras.Input((None,), dtype="int32", name="ids")
        logits = head(stack(embedding_dropout(embedding(ids))))  # (batch, time, vocabulary)
        super().__init__(inputs=ids, outputs=logits, **kwargs)

        self.vocabulary = vocabulary
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = layers
        self.cell = cell
        self.dropout = dropout
        self.batch_size = batch_size
        self.char_to_id = {c: i for i, c in enumerate(vocabulary)}
        self._roles = {"embedding": embedding, "stack": stack, "head": head}
        self._compiled = {}

    build_vocabulary = staticmethod(build_vocabulary)

    def get_config(self):
        return {
            "vocabulary": self.vocabulary,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "layers": self.num_layers,
            "cell": self.cell,
            "dropout": self.dropout,
            "batch_size": self.batch_size,
            "name": self.name,
        }

    # --- characters <-> ids ------------------------------------------------------

    def encode(self, text, unknown="error", name="text"):
        """int32 ids of the characters of `text`.

        `unknown`: "error" (ValueError listing the characters outside the
        vocabulary) or "replace" (they become U+FFFD, id 0).
        """
        if not isinstance(text, str):
            raise TypeError(f"`{name}` must be a string; received {type(text).__name__}.")
        v.one_of("unknown", unknown, UNKNOWN_POLICIES)
        ids = [self.char_to_id.get(c, 0) for c in text]
        if unknown == "error":
            unseen = sorted({c for c in text if c not in self.char_to_id or c == UNK})
            if unseen:
                raise ValueError(
                    f"`{name}` has characters never seen in training: {''.join(unseen)!r} "
                    f"({len(unseen)} distinct). Pass unknown='replace' to read them as U+FFFD."
                )
        return np.asarray(ids, "int32")

    def decode(self, ids):
        return "".join(self.vocabulary[int(i)] for i in np.asarray(ids).reshape(-1))

    # --- training ---------------------------------------------------------------------

    def prepare(self, text, batch_size=None, seq_length=100, unknown="replace"):
        """A `fit`-ready dataset of consecutive windows of `text` (see
        `StatefulWindows`): `batch_size` contiguous streams (default: the
        model's `batch_size`, the only one it can carry), windows of
        `seq_length` characters. Characters outside the vocabulary become
        U+FFFD (`unknown="error"` refuses them)."""
        batch_size = self.batch_size if batch_size is None else v.positive_int("batch_size", batch_size)
        if batch_size != self.batch_size:
            raise ValueError(
                f"`batch_size` must be the model's batch_size={self.batch_size} (the rows of its carried "
                f"state); received batch_size={batch_size}. Build the model with batch_size={batch_size}."
            )
        seq_length = v.positive_int("seq_length", seq_length)
        windows = StatefulWindows(self.encode(text, unknown), batch_size, seq_length)
        return windows.as_tf_dataset() or windows

    def compile(self, optimizer=None, loss=None, metrics=None, **kwargs):
        """`keras.Model.compile` with CharLM defaults: Adam (2e-3, global
        gradient norm clipped at 5), cross-entropy from logits, and the
        nats-per-character and bits-per-character metrics."""
        optimizer = optimizer or keras.optimizers.Adam(2e-3, global_clipnorm=5.0)
        loss = loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        metrics = [NatsPerCharacter(), BitsPerCharacter()] if metrics is None else metrics
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def reset_state(self):
        """Zero the carried training state (done at each epoch start)."""
        self._roles["stack"].reset_carry()

    def fit(self, x=None, y=None, callbacks=None, seq_length=100, **kwargs):
        """`keras.Model.fit` with the carried state reset at each epoch (and
        evaluation); `x` may also be a text, prepared with `prepare`.
        Shuffling would break the streams and is turned off."""
        if isinstance(x, str):
            x = self.prepare(x, seq_length=seq_length)
        kwargs["shuffle"] = False
        return super().fit(x, y, callbacks=list(callbacks or []) + [ResetCarry()], **kwargs)

    def evaluate(self, x=None, y=None, callbacks=None, seq_length=100, **kwargs):
        """`keras.Model.evaluate` from a zero carried state; `x` may be a text."""
        if isinstance(x, str):
            x = self.prepare(x, seq_length=seq_length)
        if not isinstance(callbacks, keras.callbacks.CallbackList):  # fit's validation passes its own
            callbacks = list(callbacks or []) + [ResetCarry()]
        return super().evaluate(x, y, callbacks=callbacks, **kwargs)

    # --- inference over an explicit state -------------------------------------------------

    def initial_state(self, batch=1):
        return self._roles["stack"].initial_state(batch)

    def call_with_state(self, ids, states, mask=None):
        """(logits (batch, time, vocabulary), final states) of ids (batch,
        time) from explicit states; no dropout, carry untouched."""
        x = self._roles["embedding"](ids)
        y, states = self._roles["stack"].call_with_state(x, states, mask=mask)
        return self._roles["head"](y), states

    def step(self, tokens, states, constants=()):
        """One character: ids (batch,) -> (logits (batch, vocabulary),
        states). The sampler protocol of `zoo.samplers`."""
        y, states = self._roles["stack"].step(self._roles["embedding"](tokens), states)
        return self._roles["head"](y), states

    def prime_state(self, prime_ids):
        """The state after all but the last character of `prime_ids` (batch,
        time) and that last character: the prime is read once, in one fused
        pass (the last position masked, so a one-character prime works too)."""
        time = ops.shape(prime_ids)[1]
        mask = ops.expand_dims(ops.arange(time) < time - 1, 0) & ops.ones_like(prime_ids, "bool")
        _, states = self.call_with_state(prime_ids, self.initial_state(ops.shape(prime_ids)[0]), mask=mask)
        return states, prime_ids[:, -1]

    def generate_ids(self, prime_ids, length, temperature=1.0, top_k=0, top_p=1.0, seed=0):
        """`length` sampled ids (batch, length) after `prime_ids` (batch,
        time), in `keras.ops` (traceable; used by `generate` and `export`)."""
        states, last = self.prime_state(prime_ids)
        return random_search(
            self.step, states, (), last, length, temperature, top_k, top_p, seed, banned_ids=(0,)
        )

    def _function(self, key, fn):
        if key not in self._compiled:
            self._compiled[key] = compile_function(fn, variables=self.variables)
        return self._compiled[key]

    def generate(
        self,
        prime,
        length,
        temperature=1.0,
        top_k=None,
        top_p=None,
        seed=None,
        unknown="error",
        chunk_length=500,
        verbose=0,
    ):
        """Sample `length` characters after `prime` (returned without the
        prime).

        The prime is read once; then one character per step over the
        carried RNN state, in a compiled loop (`chunk_length` characters per
        call: a progress bar with `verbose`). The result depends on `seed`
        only, not on `chunk_length`.

        Args:
            prime: a non-empty string.
            length: characters to generate (>= 1).
            temperature: >= 0; 0 is greedy (the most likely character).
            top_k: sample among the k most likely characters (None: all).
            top_p: sample from the nucleus of this probability mass, in
                (0, 1] (None: all).
            seed: integer seed (None: a random one).
            unknown: "error" or "replace" for prime characters outside the
                vocabulary. The unknown character is never generated.
        """
        ids = self.encode(prime, unknown, name="prime")
        if len(ids) == 0:
            raise ValueError("`prime` must not be empty; received prime=''.")
        length = v.positive_int("length", length)
        temperature = v.number("temperature", temperature)
        if temperature < 0:
            raise ValueError(f"`temperature` must be >= 0; received temperature={temperature!r}.")
        top_k = 0 if top_k is None else v.positive_int("top_k", top_k)
        top_p = 1.0 if top_p is None else v.unit_interval("top_p", top_p)
        if seed is None:
            seed = int(np.random.randint(2**31 - 1))
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"`seed` must be an integer; received seed={seed!r}.")
        elif not 0 <= seed < 2**31:
            raise ValueError(f"`seed` must be in [0, 2**31); received seed={seed!r}.")
        chunk_length = v.positive_int("chunk_length", chunk_length)
        chunk = min(chunk_length, length)
        settings = (
            np.float32(temperature),
            np.int32(top_k),
            np.float32(top_p),
            np.int32(seed),
        )

        def prime_fn(prime_ids):
            return self.prime_state(prime_ids)

        def sample_fn(last, states, offset, temperature, top_k, top_p, seed):
            return random_search(
                self.step,
                states,
                (),
                last,
                chunk,
                temperature,
                top_k,
                top_p,
                seed,
                offset=offset,
                banned_ids=(0,),
                return_state=True,
            )

        states, last = self._function("prime", prime_fn)(ids[None, :])
        sample = self._function(("sample", chunk), sample_fn)
        progbar = keras.utils.Progbar(length, unit_name="char") if verbose else None
        pieces, done = [], 0
        while done < length:
            tokens, states, last = sample(last, states, np.int32(done), *settings)
            pieces.append(np.asarray(ops.convert_to_numpy(tokens))[0])
            done += chunk
            if progbar is not None:
                progbar.update(min(done, length))
        return self.decode(np.concatenate(pieces)[:length])

    def score(self, text, chunk_length=1000, unknown="error"):
        """Mean negative log-likelihood of `text` in nats per character
        (bits per character: divide by ln 2; perplexity: exp).

        Every character after the first is predicted from all the ones
        before it: the text is read statefully, `chunk_length` characters at
        a time, in one compiled function. Needs at least two characters.
        """
        ids = self.encode(text, unknown)
        if len(ids) < 2:
            raise ValueError(f"`text` must have at least 2 characters to score; received {len(ids)}.")
        chunk_length = v.positive_int("chunk_length", chunk_length)
        n = len(ids) - 1
        padded = -(-n // chunk_length) * chunk_length
        inputs = np.zeros((1, padded), "int32")
        targets = np.zeros((1, padded), "int32")
        weights = np.zeros((1, padded), "float32")
        inputs[0, :n], targets[0, :n], weights[0, :n] = ids[:-1], ids[1:], 1.0

        def chunk_fn(x, y, w, states):
            logits, states = self.call_with_state(x, states)
            logp = ops.log_softmax(ops.cast(logits, "float32"), axis=-1)
            nll = -ops.take_along_axis(logp, ops.expand_dims(y, -1), axis=-1)[..., 0]
            return ops.sum(nll * w), states

        fn = self._function("score", chunk_fn)
        states, total = self.initial_state(1), 0.0
        for start in range(0, padded, chunk_length):
            part = slice(start, start + chunk_length)
            nll, states = fn(inputs[:, part], targets[:, part], weights[:, part], states)
            total += float(ops.convert_to_numpy(nll))
        return total / n

    # --- serving ---------------------------------------------------------------------------

    def export(self, path):
        """Write a TF-Serving SavedModel whose `generate` signature runs the
        whole generation loop: (prime, length, temperature, seed) -> text;
        `generate_filtered` adds top_k and top_p. Needs the TensorFlow
        backend."""
        from zoo.applications.char_lm_export import export_char_lm

        return export_char_lm(self, path)
