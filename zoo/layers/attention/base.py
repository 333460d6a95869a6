"""The part every score-based attention shares: masking, softmax, context."""

import keras
from keras import ops


def masked_softmax(scores, mask):
    """Softmax over the last axis restricted to `mask`: exactly zero at masked
    positions, a distribution over the others, all zeros for a row with no
    unmasked position. No fill constant: the shift is the row's largest
    unmasked score, so any finite scale of scores stays finite (a fill of
    -1e9 would outrank unmasked scores below -1e9)."""
    low = ops.min(scores, axis=-1, keepdims=True)
    shift = ops.stop_gradient(ops.max(ops.where(mask, scores, low), axis=-1, keepdims=True))
    exp = ops.exp(ops.where(mask, scores - shift, ops.zeros_like(scores))) * ops.cast(mask, scores.dtype)
    total = ops.sum(exp, axis=-1, keepdims=True)  # >= 1 where any position is unmasked
    return exp / ops.where(total > 0, total, ops.ones_like(total))


class ScoreAttention(keras.layers.Layer):
    """Base of `BahdanauAttention` and `LuongAttention` (not used directly).

    Subclasses implement `project_memory(memory) -> keys` (the query-free part,
    computed once per source sentence), `project_query(query)` and
    `score(projected_query, keys) -> scores`.

    Call arguments:
        query: (batch, query_dim) for one decoder step, or
            (batch, query_time, query_dim).
        memory: (batch, memory_time, memory_dim), the encoder states; they
            are both the keys (through `project_memory`) and the values.
        memory_mask: optional boolean (batch, memory_time); False marks
            padding, which gets exactly zero weight.
        keys: optional `project_memory(memory)`, to skip recomputing it at
            every decoder step.

    Returns:
        (context, weights): (batch, [query_time,] memory_dim) and
        (batch, [query_time,] memory_time). A row whose memory is all padding
        gets zero weights and a zero context.
    """

    def project_memory(self, memory):
        raise NotImplementedError

    def project_query(self, query):
        return query

    def score(self, query, keys):
        """Scores (batch, query_time, memory_time) of a projected query
        (batch, query_time, dim) against keys."""
        raise NotImplementedError

    def call(self, query, memory, memory_mask=None, keys=None):
        # The query is projected before it gets its time axis: inside a decoder
        # loop a 2-D matmul compiles with XLA, where a 3-D one (tensordot)
        # has a gradient that needs dynamic permutations.
        single = len(query.shape) == 2
        query = self.project_query(query)
        if single:
            query = ops.expand_dims(query, 1)
        if keys is None:
            keys = self.project_memory(memory)
        scores = self.score(query, keys)  # (batch, query_time, memory_time)
        if memory_mask is not None:
            weights = masked_softmax(scores, ops.expand_dims(ops.cast(memory_mask, "bool"), 1))
        else:
            weights = ops.softmax(scores, axis=-1)
        context = ops.matmul(weights, ops.cast(memory, weights.dtype))  # (batch, query_time, memory_dim)
        if single:
            return ops.squeeze(context, 1), ops.squeeze(weights, 1)
        return context, weights

    def compute_output_spec(self, query, memory, memory_mask=None, keys=None):
        batch = query.shape[0]
        prefix = (batch,) if len(query.shape) == 2 else (batch, query.shape[1])
        return (
            keras.KerasTensor(prefix + (memory.shape[-1],), dtype=self.compute_dtype),
            keras.KerasTensor(prefix + (memory.shape[1],), dtype=self.compute_dtype),
        )
