"""Translator: RNNsearch (Bahdanau et al. 2015), an attentional recurrent
encoder-decoder, with greedy and beam search, presets and SavedModel export.

Implementation notes: the encoder is a bidirectional recurrent layer over
source embeddings (any zoo cell); the decoder state starts at
tanh(W h_1<-) from the backward encoder state (Bahdanau appendix A.2.2); the
decoder is `AttentionRNN` (Bahdanau mode: the previous state queries the
memory; Luong mode: general score, attentional layer and input feeding);
the readout is the "deep output" t = tanh(W [s_t; c_t; E y_{t-1}]) followed
by the vocabulary projection (a tanh layer where the paper uses maxout).
`attention="none"` keeps everything but replaces attention with the fixed
summary c = [h_n->; h_1<-] at every step: the RNNencdec baseline.
"""

import keras
import numpy as np
from keras import ops

from zoo import layers
from zoo import validation as v
from zoo.application import Application
from zoo.applications import translator_preprocessor as tp
from zoo.applications.cells import cell_class
from zoo.data.batches import EpochBatches
from zoo.jit import compile_function
from zoo.losses import MaskedSparseCrossentropy
from zoo.samplers import beam_search, greedy_search


class TiedLogits(keras.layers.Layer):
    """Vocabulary logits that reuse a target embedding matrix E: logits =
    x E^T + b (Press and Wolf 2017). Built by `Translator` only."""

    def __init__(self, embedding, **kwargs):
        super().__init__(**kwargs)
        # Not tracked as a sublayer: the matrix belongs to (and is saved with)
        # the embedding layer, once.
        object.__setattr__(self, "embedding", embedding)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.embedding.input_dim,), name="bias", initializer="zeros")

    def call(self, x):
        return ops.matmul(x, ops.transpose(self.embedding.embeddings)) + self.bias

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.embedding.input_dim,)


class TranslationBatches(EpochBatches):
    """Length-bucketed batches of (source, target) id sequences for `fit`
    (`zoo.data.batches.EpochBatches`): pairs sorted by length into fixed
    batches, lengths padded up to a multiple of 8 (few distinct shapes to
    compile), the batch order shuffled every epoch from (seed, epoch)."""

    def __init__(self, sources, targets, batch_size=64, shuffle=True, seed=0, **kwargs):
        self.sources, self.targets = sources, targets
        lengths = [len(t) + 0.01 * len(s) for s, t in zip(sources, targets)]
        super().__init__(lengths, batch_size, shuffle=shuffle, seed=seed, **kwargs)

    def signature(self):
        import tensorflow as tf

        ids = tf.TensorSpec((None, None), tf.int32)
        return ({"source_ids": ids, "target_ids": ids}, ids)

    def make_batch(self, rows):
        source = tp.pad([self.sources[i] for i in rows], multiple=8)
        target = [self.targets[i] for i in rows]
        target_in = tp.pad([[tp.BOS_ID] + t for t in target], multiple=8)
        target_out = tp.pad([t + [tp.EOS_ID] for t in target], length=target_in.shape[1])
        return {"source_ids": source, "target_ids": target_in}, target_out


@keras.saving.register_keras_serializable(package="zoo")
class Translator(Application):
    """Neural machine translation with attention (RNNsearch).

    Args:
        source_vocabulary, target_vocabulary: token lists starting with
            `<pad> <unk> <s> </s>` (see `Translator.build_vocabularies`).
        embedding_dim: size of the word embeddings.
        encoder_units: units of each direction of the encoder.
        decoder_units: units of the decoder cell.
        cell: the recurrent cell of encoder and decoder: "GRU" (default),
            "LSTM", "SimpleRNN", "IMG", "PMU" or "Leaky".
        attention: "bahdanau" (additive), "luong" (general score, input
            feeding) or "none" (the RNNencdec baseline).
        attention_units: hidden size of the additive score (Bahdanau) or of
            the attentional layer (Luong).
        output_units: size of the deep-output layer (set to
            `embedding_dim` when `tie_embeddings`).
        tie_embeddings: share the target embedding matrix with the output
            projection (Press and Wolf 2017): fewer parameters, and better
            on small corpora.
        dropout: dropout on embeddings and the deep output.
        max_source_length: longer sources are truncated to this many tokens.
        max_target_length: the most tokens a translation may have.

    Example:

    >>> translator = Translator.from_preset("translator_multi30k_en_de")
    >>> translator.translate(["A man is riding a bike."], sampler="beam")

    Reference:
        Bahdanau, Cho and Bengio, "Neural machine translation by jointly
        learning to align and translate", ICLR 2015.
        Luong, Pham and Manning, "Effective approaches to attention-based
        neural machine translation", EMNLP 2015.
    """

    asset_fields = ("source_vocabulary", "target_vocabulary")

    def __init__(
        self,
        source_vocabulary,
        target_vocabulary,
        embedding_dim=256,
        encoder_units=256,
        decoder_units=512,
        cell="GRU",
        attention="bahdanau",
        attention_units=256,
        output_units=256,
        tie_embeddings=True,
        dropout=0.3,
        max_source_length=100,
        max_target_length=100,
        **kwargs,
    ):
        if tie_embeddings:
            output_units = embedding_dim
        source_vocabulary = tp.check_vocabulary("source_vocabulary", source_vocabulary)
        target_vocabulary = tp.check_vocabulary("target_vocabulary", target_vocabulary)
        cell_cls = cell_class(cell)
        v.one_of("attention", attention, {"bahdanau", "luong", "none"})
        for name, value in (
            ("embedding_dim", embedding_dim),
            ("encoder_units", encoder_units),
            ("decoder_units", decoder_units),
            ("attention_units", attention_units),
            ("output_units", output_units),
            ("max_source_length", max_source_length),
            ("max_target_length", max_target_length),
        ):
            v.positive_int(name, value)
        v.rate("dropout", dropout)
        e, ue, ud, a, o = embedding_dim, encoder_units, decoder_units, attention_units, output_units
        v.fits_in_memory(  # 4 gates: an upper bound for every zoo cell
            "Translator",
            e * (len(source_vocabulary) + len(target_vocabulary))
            + 2 * 4 * ue * (e + ue + 2)
            + 4 * ud * (e + 2 * ue + ud + 2)
            + a * (ud + 2 * ue + 1)
            + o * (ud + 2 * ue + e + 1 + len(target_vocabulary)),
            {
                "embedding_dim": e,
                "encoder_units": ue,
                "decoder_units": ud,
                "attention_units": a,
                "output_units": o,
            },
        )

        # --- layers ---------------------------------------------------------
        source_embedding = keras.layers.Embedding(
            len(source_vocabulary), embedding_dim, name="source_embedding"
        )
        target_embedding = keras.layers.Embedding(
            len(target_vocabulary), embedding_dim, name="target_embedding"
        )
        encoder = keras.layers.Bidirectional(
            layers.RNN(cell_cls(encoder_units), return_sequences=True, return_state=True), name="encoder"
        )
        state_size = cell_cls(decoder_units).state_size
        n_states = len(state_size) if isinstance(state_size, (list, tuple)) else 1
        bridges = [
            keras.layers.Dense(decoder_units, activation="tanh", name=f"bridge_{i}") for i in range(n_states)
        ]
        if attention == "none":
            decoder = layers.RNN(cell_cls(decoder_units), return_sequences=True, name="decoder")
        elif attention == "bahdanau":
            decoder = layers.AttentionRNN(
                cell_cls(decoder_units), layers.BahdanauAttention(attention_units), name="decoder"
            )
        else:
            decoder = layers.AttentionRNN(
                cell_cls(decoder_units),
                layers.LuongAttention("general"),
                mode="luong",
                attention_units=attention_units,
                name="decoder",
            )
        embedding_dropout = keras.layers.Dropout(dropout, name="embedding_dropout")
        readout_dropout = keras.layers.Dropout(dropout, name="readout_dropout")
        readout = keras.layers.Dense(output_units, activation="tanh", name="readout")
        if tie_embeddings:
            logits_layer = TiedLogits(target_embedding, name="logits")
        else:
            logits_layer = keras.layers.Dense(len(target_vocabulary), name="logits")

        # --- the teacher-forced training graph ------------------------------
        source_ids = keras.Input((None,), dtype="int32", name="source_ids")
        target_ids = keras.Input((None,), dtype="int32", name="target_ids")
        source_mask = ops.not_equal(source_ids, tp.PAD_ID)
        x = embedding_dropout(source_embedding(source_ids))
        encoded = encoder(x, mask=source_mask)
        memory = encoded[0]
        backward_first = encoded[1 + n_states]
        states = [bridge(backward_first) for bridge in bridges]
        y = embedding_dropout(target_embedding(target_ids))
        if attention == "none":
            summary = ops.concatenate([encoded[1], backward_first], -1)
            repeated = ops.expand_dims(summary, 1) * ops.ones_like(y[..., :1])  # (batch, time, 2 units)
            s = decoder(ops.concatenate([y, repeated], -1), initial_state=states)
            decoded = ops.concatenate([s, repeated], -1)
        else:
            decoded = decoder(y, memory, memory_mask=source_mask, initial_state=states)
        hidden = readout(readout_dropout(ops.concatenate([decoded, y], -1)))
        logits = logits_layer(readout_dropout(hidden))
        super().__init__(
            inputs={"source_ids": source_ids, "target_ids": target_ids}, outputs=logits, **kwargs
        )

        self.source_vocabulary = source_vocabulary
        self.target_vocabulary = target_vocabulary
        self.embedding_dim = embedding_dim
        self.encoder_units = encoder_units
        self.decoder_units = decoder_units
        self.cell = cell
        self.attention = attention
        self.attention_units = attention_units
        self.output_units = output_units
        self.tie_embeddings = bool(tie_embeddings)
        self.dropout = dropout
        self.max_source_length = max_source_length
        self.max_target_length = max_target_length
        self.n_states = n_states
        self.source_vocab = tp.Vocabulary(source_vocabulary)
        self.target_vocab = tp.Vocabulary(target_vocabulary)
        self._layers_by_role = {
            "source_embedding": source_embedding,
            "target_embedding": target_embedding,
            "encoder": encoder,
            "bridges": bridges,
            "decoder": decoder,
            "readout": readout,
            "logits": logits_layer,
        }
        self._decoders = {}

    # --- construction helpers ---------------------------------------------

    @staticmethod
    def build_vocabularies(sources, targets, min_count=2, max_size=None):
        """(source_vocabulary, target_vocabulary) from training texts: the
        tokens seen at least `min_count` times."""
        sources, _ = tp.check_texts("sources", sources)
        targets, _ = tp.check_texts("targets", targets)
        return (
            tp.build_vocabulary(sources, min_count, max_size),
            tp.build_vocabulary(targets, min_count, max_size),
        )

    def get_config(self):
        return {
            "source_vocabulary": self.source_vocabulary,
            "target_vocabulary": self.target_vocabulary,
            "embedding_dim": self.embedding_dim,
            "encoder_units": self.encoder_units,
            "decoder_units": self.decoder_units,
            "cell": self.cell,
            "attention": self.attention,
            "attention_units": self.attention_units,
            "output_units": self.output_units,
            "tie_embeddings": self.tie_embeddings,
            "dropout": self.dropout,
            "max_source_length": self.max_source_length,
            "max_target_length": self.max_target_length,
            "name": self.name,
        }

    # --- preprocessing ----------------------------------------------------

    def encode_sources(self, texts):
        """Token ids of source texts (each ends with `</s>`), truncated to
        `max_source_length` tokens."""
        return [
            self.source_vocab.encode(tp.tokenize(t)[: self.max_source_length - 1]) + [tp.EOS_ID]
            for t in texts
        ]

    def encode_targets(self, texts):
        """Token ids of target texts (no `<s>`/`</s>`; `prepare` adds them),
        truncated to `max_target_length - 1` tokens."""
        return [self.target_vocab.encode(tp.tokenize(t)[: self.max_target_length - 1]) for t in texts]

    def prepare(self, sources, targets, batch_size=64, shuffle=True, seed=0):
        """A `fit`-ready dataset of (source, target) text pairs."""
        sources, _ = tp.check_texts("sources", sources)
        targets, _ = tp.check_texts("targets", targets)
        if len(sources) != len(targets):
            raise ValueError(
                f"`sources` and `targets` must have the same length; received {len(sources)} and {len(targets)}."
            )
        v.positive_int("batch_size", batch_size)
        batches = TranslationBatches(
            self.encode_sources(sources), self.encode_targets(targets), batch_size, shuffle=shuffle, seed=seed
        )
        return batches.as_tf_dataset() or batches

    def prepare_files(self, paths, batch_size=64, shuffle_buffer=10000, seed=None):
        """A `fit`-ready `tf.data.Dataset` streamed from sharded parallel
        text (`source<TAB>target` a line; see `zoo.data.shards` and
        `Translator.write_shards`), for corpora larger than memory.

        Tokenization and vocabulary lookup run in TensorFlow ops (the twins
        of the Python path: the same ids), batches are bucketed by target
        length and padded to a multiple of 8 like `prepare`, and under
        `tf.distribute` each worker reads its own shards.
        """
        import tensorflow as tf

        from zoo.data import shards

        v.positive_int("batch_size", batch_size)
        source_table = tp.tf_lookup_table(self.source_vocabulary)
        target_table = tp.tf_lookup_table(self.target_vocabulary)

        def ids(table, text, limit):
            tokens = tp.tf_tokenize(tf.reshape(text, (1,))).values[:limit]
            return tf.cast(table.lookup(tokens), tf.int32)

        def encode(line):
            parts = tf.strings.split(line, "\t", maxsplit=1)
            parts = tf.concat([parts, [""]], 0)  # a line without a tab: empty target
            source = ids(source_table, parts[0], self.max_source_length - 1)
            target = ids(target_table, parts[1], self.max_target_length - 1)
            source = tf.concat([source, [tp.EOS_ID]], 0)
            return source, tf.concat([[tp.BOS_ID], target], 0), tf.concat([target, [tp.EOS_ID]], 0)

        def pad_to_multiple(source, target_in, target_out):
            def pad(x):
                length = -(-tf.shape(x)[1] // 8) * 8
                return tf.pad(x, [[0, 0], [0, length - tf.shape(x)[1]]], constant_values=tp.PAD_ID)

            return {"source_ids": pad(source), "target_ids": pad(target_in)}, pad(target_out)

        boundaries = list(range(9, self.max_target_length + 1, 8))
        dataset = shards.stream_lines(paths, shuffle_buffer=shuffle_buffer, seed=seed)
        dataset = dataset.map(encode, num_parallel_calls=tf.data.AUTOTUNE)
        dataset = dataset.bucket_by_sequence_length(
            lambda source, target_in, target_out: tf.shape(target_in)[0],
            bucket_boundaries=boundaries,
            bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
            padding_values=tp.PAD_ID,
        )
        return dataset.map(pad_to_multiple).prefetch(tf.data.AUTOTUNE)

    @staticmethod
    def write_shards(sources, targets, folder, num_shards=8, prefix="train", verbose=1):
        """Write (source, target) pairs as sharded parallel text for
        `prepare_files`; any iterables (streamed). Returns the paths."""
        from zoo.data import shards

        def records():
            for i, (source, target) in enumerate(zip(sources, targets, strict=True)):
                for name, text in (("sources", source), ("targets", target)):
                    if not isinstance(text, str):
                        raise TypeError(f"`{name}[{i}]` must be a string; received {type(text).__name__}.")
                yield f"{tp.normalize(source)}\t{tp.normalize(target)}"

        return shards.write_shards(records(), folder, num_shards, prefix, verbose=verbose)

    @staticmethod
    def build_vocabularies_from_files(paths, min_count=2, max_size=None, verbose=1):
        """`build_vocabularies` over sharded parallel text, streamed: one
        pass, only the token counts in memory, with a progress bar."""
        import collections

        from zoo.data import shards

        counts = collections.Counter(), collections.Counter()
        progbar = keras.utils.Progbar(None, unit_name="pair") if verbose else None
        n = 0
        for n, line in enumerate(shards.iterate_lines(paths), 1):
            for side, text in zip(counts, (line.split("\t", 1) + [""])[:2]):
                side.update(tp.tokenize(text))
            if progbar is not None and n % 5000 == 0:
                progbar.update(n)
        if progbar is not None:
            progbar.update(n, finalize=True)
        return tuple(tp.vocabulary_from_counts(c, min_count, max_size) for c in counts)

    def compile(self, optimizer=None, loss=None, label_smoothing=0.1, **kwargs):
        """`keras.Model.compile` with translator defaults: Adam (1e-3,
        gradient norm clipped at 1) and the padding-masked, label-smoothed
        cross-entropy."""
        optimizer = optimizer or keras.optimizers.Adam(1e-3, clipnorm=1.0)
        loss = loss or MaskedSparseCrossentropy(pad_id=tp.PAD_ID, label_smoothing=label_smoothing)
        super().compile(optimizer=optimizer, loss=loss, **kwargs)

    def fit(self, x=None, y=None, batch_size=None, **kwargs):
        """`keras.Model.fit`; `x` may also be a pair (sources, targets) of
        text lists, prepared with `prepare` (batch size 64 by default)."""
        if isinstance(x, tuple) and len(x) == 2 and y is None and isinstance(x[0], (list, tuple, str)):
            x = self.prepare(x[0], x[1], batch_size=batch_size or 64)
            batch_size = None
        return super().fit(x, y, batch_size=batch_size, **kwargs)

    # --- inference ------------------------------------------------------------

    def encode(self, source_ids):
        """Run the encoder: returns (initial decoder state, constants) for
        `decode_step`."""
        lay = self._layers_by_role
        source_mask = ops.not_equal(source_ids, tp.PAD_ID)
        encoded = lay["encoder"](lay["source_embedding"](source_ids), mask=source_mask)
        memory, backward_first = encoded[0], encoded[1 + self.n_states]
        states = [bridge(backward_first) for bridge in lay["bridges"]]
        if self.attention == "none":
            summary = ops.concatenate([encoded[1], backward_first], -1)
            return states, (summary,)
        decoder = lay["decoder"]
        if decoder.input_feeding:
            states.append(ops.zeros((ops.shape(source_ids)[0], decoder._output_size(memory.shape[-1]))))
        return states, (memory, decoder.prepare_memory(memory), source_mask)

    def decode_step(self, tokens, states, constants, return_alignment=False):
        """One decoder step from the previous tokens (batch,): returns
        (logits, new_states) [, alignment]."""
        lay = self._layers_by_role
        y = lay["target_embedding"](tokens)
        alignment = None
        if self.attention == "none":
            (summary,) = constants
            s, new_states = lay["decoder"].cell(ops.concatenate([y, summary], -1), list(states))
            decoded = ops.concatenate([s, summary], -1)
            new_states = list(new_states)
        else:
            memory, keys, mask = constants
            decoded, new_states, alignment = lay["decoder"].step(y, list(states), memory, keys, mask)
        logits = lay["logits"](lay["readout"](ops.concatenate([decoded, y], -1)))
        if return_alignment:
            return logits, new_states, alignment
        return logits, new_states

    def generate_ids(self, source_ids, sampler="greedy", beam_size=4, length_penalty=0.6, max_length=None):
        """Token ids (batch, max_length) of translations of padded source ids,
        in `keras.ops` (traceable, used by `translate` and `export`)."""
        max_length = max_length or self.max_target_length
        states, constants = self.encode(source_ids)
        start = ops.full((ops.shape(source_ids)[0],), tp.BOS_ID, dtype="int32")
        common = dict(banned_ids=(tp.PAD_ID, tp.UNK_ID, tp.BOS_ID))
        if sampler == "greedy":
            return greedy_search(self.decode_step, states, constants, start, tp.EOS_ID, max_length, **common)
        return beam_search(
            self.decode_step,
            states,
            constants,
            start,
            tp.EOS_ID,
            max_length,
            beam_size=beam_size,
            length_penalty=length_penalty,
            **common,
        )

    def _decoder_fn(self, sampler, beam_size, length_penalty, max_length):
        key = (sampler, beam_size, length_penalty, max_length)
        if key not in self._decoders:

            def fn(source_ids):
                return self.generate_ids(source_ids, sampler, beam_size, length_penalty, max_length)

            self._decoders[key] = compile_function(fn, variables=self.variables)
        return self._decoders[key]

    def translate(
        self, texts, sampler="greedy", beam_size=4, length_penalty=0.6, max_length=None, batch_size=64
    ):
        """Translate texts.

        Args:
            texts: a string or a list of strings. An empty (or all-space)
                text translates to "". Characters and words outside the
                vocabulary become `<unk>` in the source; the unknown token is
                never emitted. Sources longer than `max_source_length` tokens
                are truncated.
            sampler: "greedy" or "beam".
            beam_size: beams of the beam search (>= 1).
            length_penalty: alpha of the GNMT length penalty (>= 0).
            max_length: most tokens per translation (default
                `max_target_length`).
            batch_size: texts decoded at once.

        Returns:
            A list of strings (a string for a string input).
        """
        texts, single = tp.check_texts("texts", texts)
        v.one_of("sampler", sampler, {"greedy", "beam"})
        beam_size = v.positive_int("beam_size", beam_size)
        length_penalty = v.number("length_penalty", length_penalty)
        if length_penalty < 0:
            raise ValueError(f"`length_penalty` must be >= 0; received length_penalty={length_penalty!r}.")
        max_length = v.positive_int("max_length", max_length or self.max_target_length)
        batch_size = v.positive_int("batch_size", batch_size)
        ids = self.encode_sources(texts)
        empty = [len(t) == 0 for t in (tp.tokenize(t) for t in texts)]
        # Decode in length-sorted batches (less padding), then restore order.
        order = np.argsort([len(i) for i in ids], kind="stable")
        out = [""] * len(texts)
        decode = self._decoder_fn(sampler, beam_size, float(length_penalty), max_length)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = tp.pad([ids[i] for i in rows], multiple=8)
            if len(rows) < batch_size and len(order) > batch_size:
                # Pad the last batch to the full size: one compiled shape.
                batch = np.concatenate(
                    [batch, np.full((batch_size - len(rows), batch.shape[1]), tp.EOS_ID, "int32")]
                )
            result = np.asarray(keras.ops.convert_to_numpy(decode(batch)))
            for row, i in zip(result, rows):
                out[i] = "" if empty[i] else tp.detokenize(self.target_vocab.decode(row))
        return out[0] if single else out

    def alignment(self, text, max_length=None):
        """Greedy translation of one text with its attention matrix.

        Returns:
            (source_tokens, target_tokens, weights (target, source)).
        """
        if self.attention == "none":
            raise ValueError("This translator has no attention (attention='none'): no alignment to show.")
        texts, _ = tp.check_texts("text", text)
        if len(texts) != 1:
            raise ValueError(f"`text` must be one string; received {len(texts)} texts.")
        source_tokens = tp.tokenize(texts[0])[: self.max_source_length - 1]
        ids = np.asarray([self.source_vocab.encode(source_tokens) + [tp.EOS_ID]], "int32")
        states, constants = self.encode(ids)
        token = np.asarray([tp.BOS_ID], "int32")
        words, rows = [], []
        for _ in range(max_length or self.max_target_length):
            logits, states, weights = self.decode_step(token, states, constants, return_alignment=True)
            logits = keras.ops.convert_to_numpy(logits)[0]
            logits[[tp.PAD_ID, tp.UNK_ID, tp.BOS_ID]] = -np.inf
            token = np.asarray([int(np.argmax(logits))], "int32")
            rows.append(keras.ops.convert_to_numpy(weights)[0])
            if token[0] == tp.EOS_ID:
                words.append(tp.EOS)
                break
            words.append(self.target_vocab.tokens[token[0]])
        return source_tokens + [tp.EOS], words, np.stack(rows)

    def plot_attention(self, text, ax=None):
        """Draw the alignment matrix of the greedy translation of `text`
        (matplotlib); returns the axes."""
        from zoo import plot

        source, target, weights = self.alignment(text)
        return plot.alignment(weights, source, target, ax=ax)

    # --- serving ---------------------------------------------------------------

    def export(self, path, sampler="beam", beam_size=4, length_penalty=0.6):
        """Write a TF-Serving SavedModel with a `translate` signature: a batch
        of strings in, translations out; tokenization, the whole decode loop
        and detokenization inside, core TensorFlow ops only. `translate_greedy`
        is exported too. Needs the TensorFlow backend."""
        from zoo.applications.translator_export import export_translator

        return export_translator(
            self, path, sampler=sampler, beam_size=beam_size, length_penalty=length_penalty
        )
