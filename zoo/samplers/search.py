"""Greedy and beam search over a recurrent step function.

Both drive `step_fn(tokens, state, constants) -> (logits, state)`, where
`tokens` (batch,) are the previous tokens, `state` a nested structure of
tensors with a leading batch axis (carried and, for beam search, reordered
with the beams) and `constants` a nested structure that never changes (the
encoder memory; beam search tiles it once). This is the keras-hub sampler
protocol `next(prompt, cache, index)` with the RNN state as the cache.
"""

import keras
from keras import ops

NEG_INF = -1e9


def _length_penalty(length, alpha):
    # GNMT (Wu et al. 2016): ((5 + |Y|) / 6) ** alpha.
    return ops.power((5.0 + length) / 6.0, alpha)


def greedy_search(step_fn, state, constants, start_ids, end_id, max_length, banned_ids=()):
    """Pick the most likely token at every step.

    Args:
        step_fn: `(tokens, state, constants) -> (logits, state)`.
        state, constants: see the module docstring.
        start_ids: int tensor (batch,), the first input tokens.
        end_id: the end token; a finished row emits it from then on.
        max_length: maximum number of generated tokens.
        banned_ids: tokens never emitted (e.g. the unknown token).

    Returns:
        int32 tensor (batch, max_length): the tokens, `end_id` after the end.
    """
    batch = ops.shape(start_ids)[0]
    tokens = ops.full((batch, max_length), end_id, dtype="int32")
    finished = ops.zeros((batch,), dtype="bool")
    positions = ops.arange(max_length, dtype="int32")

    def cond(t, prev, state, tokens, finished):
        return ops.logical_and(t < max_length, ops.logical_not(ops.all(finished)))

    def body(t, prev, state, tokens, finished):
        logits, state = step_fn(prev, state, constants)
        logits = _ban(ops.cast(logits, "float32"), banned_ids)
        nxt = ops.cast(ops.argmax(logits, axis=-1), "int32")
        nxt = ops.where(finished, end_id, nxt)
        tokens = ops.where(ops.expand_dims(positions == t, 0), ops.expand_dims(nxt, 1), tokens)
        return t + 1, nxt, state, tokens, ops.logical_or(finished, nxt == end_id)

    loop = (ops.convert_to_tensor(0, "int32"), ops.cast(start_ids, "int32"), state, tokens, finished)
    _, _, _, tokens, _ = ops.while_loop(cond, body, loop, maximum_iterations=max_length)
    return tokens


def _ban(logits, banned_ids):
    if not banned_ids:
        return logits
    vocab = logits.shape[-1]
    banned = ops.sum(ops.one_hot(ops.convert_to_tensor(list(banned_ids), "int32"), vocab), axis=0) > 0
    return ops.where(banned, ops.cast(NEG_INF, logits.dtype), logits)


def beam_search(
    step_fn,
    state,
    constants,
    start_ids,
    end_id,
    max_length,
    beam_size=4,
    length_penalty=0.6,
    banned_ids=(),
):
    """Beam search with the GNMT length penalty.

    Keeps `beam_size` hypotheses per row; a hypothesis that emits `end_id` is
    finished and keeps its score (it extends with `end_id` at no cost). The
    search stops when every beam of every row is finished or at
    `max_length`; the answer is the beam with the best
    log-probability / ((5 + length) / 6) ** length_penalty.

    Args:
        step_fn, state, constants, start_ids, end_id, max_length, banned_ids:
            as in `greedy_search`.
        beam_size: number of beams (1 is greedy search).
        length_penalty: alpha of the penalty (0: raw log-probability).

    Returns:
        int32 tensor (batch, max_length).
    """
    batch = ops.shape(start_ids)[0]
    k = beam_size

    def tile(x):  # (batch, ...) -> (batch * k, ...)
        x = ops.repeat(ops.expand_dims(x, 1), k, axis=1)
        return ops.reshape(x, (-1,) + tuple(ops.shape(x)[2:]))

    state = keras.tree.map_structure(tile, state)
    constants = keras.tree.map_structure(tile, constants)
    prev = tile(ops.cast(start_ids, "int32"))
    # Only the first beam is live at the start, so the k beams differ.
    scores = ops.tile(ops.convert_to_tensor([[0.0] + [NEG_INF] * (k - 1)], "float32"), (batch, 1))
    tokens = ops.full((batch, k, max_length), end_id, dtype="int32")
    finished = ops.zeros((batch, k), dtype="bool")
    lengths = ops.zeros((batch, k), dtype="float32")
    positions = ops.arange(max_length, dtype="int32")

    def cond(t, prev, state, scores, tokens, finished, lengths):
        return ops.logical_and(t < max_length, ops.logical_not(ops.all(finished)))

    def body(t, prev, state, scores, tokens, finished, lengths):
        logits, state = step_fn(prev, state, constants)
        logits = _ban(ops.cast(logits, "float32"), banned_ids)
        vocab = logits.shape[-1]
        logp = ops.reshape(ops.log_softmax(logits, axis=-1), (batch, k, vocab))
        # A finished beam continues with end_id at zero cost, nothing else.
        only_end = ops.where(ops.arange(vocab) == end_id, 0.0, NEG_INF)
        logp = ops.where(ops.expand_dims(finished, -1), only_end, logp)
        candidates = ops.reshape(ops.expand_dims(scores, -1) + logp, (batch, k * vocab))
        scores, flat = ops.top_k(candidates, k)  # (batch, k)
        beam = flat // vocab
        word = ops.cast(flat % vocab, "int32")

        def pick(x):  # reorder (batch, k, ...) by the chosen beams
            index = ops.reshape(beam, (batch, k) + (1,) * (len(x.shape) - 2))
            return ops.take_along_axis(x, ops.broadcast_to(index, ops.shape(x)), axis=1)

        def pick_flat(x):  # the same for (batch * k, ...)
            x = ops.reshape(x, (batch, k) + tuple(ops.shape(x)[1:]))
            return ops.reshape(pick(x), (-1,) + tuple(ops.shape(x)[2:]))

        state = keras.tree.map_structure(pick_flat, state)
        was_finished = pick(finished)
        tokens = ops.where(ops.reshape(positions == t, (1, 1, -1)), ops.expand_dims(word, -1), pick(tokens))
        lengths = pick(lengths) + ops.cast(ops.logical_not(was_finished), "float32")
        finished = ops.logical_or(was_finished, word == end_id)
        return t + 1, ops.reshape(word, (-1,)), state, scores, tokens, finished, lengths

    loop = (ops.convert_to_tensor(0, "int32"), prev, state, scores, tokens, finished, lengths)
    _, _, _, scores, tokens, _, lengths = ops.while_loop(cond, body, loop, maximum_iterations=max_length)
    normalized = scores / _length_penalty(lengths, length_penalty)
    best = ops.argmax(normalized, axis=-1)  # (batch,)
    index = ops.broadcast_to(ops.reshape(best, (-1, 1, 1)), (batch, 1, max_length))
    return ops.squeeze(ops.take_along_axis(tokens, index, axis=1), 1)
