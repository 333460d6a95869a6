"""Multiplicative and concat attention of Luong, Pham and Manning (2015)."""

import keras
from keras import ops

from zoo import validation as v
from zoo.layers.attention.base import ScoreAttention


@keras.saving.register_keras_serializable(package="zoo")
class LuongAttention(ScoreAttention):
    """Luong attention with the three scores of the paper (section 3.1).

    Equations (s the query, h_j the memory states):

        dot:     e_j = s^T h_j                        (sizes must match)
        general: e_j = s^T W_a h_j                    (`memory_kernel` W_a)
        concat:  e_j = v^T tanh(W_a [s; h_j])          (W_a split into
                 `query_kernel` and `memory_kernel`, `score_vector` v)

    then a = softmax(e) over the unmasked j and context = sum_j a_j h_j. With
    `scale=True` the scores are multiplied by a learned scalar g (initialized
    to 1), as in TF-Addons' scaled Luong attention.

    Args:
        score: `"dot"`, `"general"` or `"concat"`.
        units: hidden size of the concat score (required for it, unused
            otherwise).
        scale: learn the scalar g.
        kernel_initializer: initializer of the score weights.

    Example:

    >>> attention = LuongAttention("general")
    >>> context, weights = attention(np.ones((2, 8), "float32"), np.ones((2, 5, 6), "float32"))
    >>> context.shape, weights.shape
    ((2, 6), (2, 5))

    Reference:
        Luong, Pham and Manning, "Effective approaches to attention-based
        neural machine translation", EMNLP 2015.
    """

    def __init__(
        self, score="general", units=None, scale=False, kernel_initializer="glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        self.score_mode = v.one_of("score", score, {"dot", "general", "concat"})
        if score == "concat" and units is None:
            raise ValueError("`units` is required with score='concat'; received units=None.")
        self.units = v.optional_positive_int("units", units)
        self.scale = bool(scale)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, query_shape, memory_shape, memory_mask_shape=None, keys_shape=None):
        q_dim, m_dim = query_shape[-1], memory_shape[-1]
        if self.score_mode == "dot" and q_dim != m_dim:
            raise ValueError(
                f"score='dot' needs the query and memory sizes to match; received query size "
                f"{q_dim} and memory size {m_dim}. Use score='general'."
            )
        if self.score_mode == "general":
            self.memory_kernel = self.add_weight(
                shape=(m_dim, q_dim), name="memory_kernel", initializer=self.kernel_initializer
            )
        if self.score_mode == "concat":
            self.query_kernel = self.add_weight(
                shape=(q_dim, self.units), name="query_kernel", initializer=self.kernel_initializer
            )
            self.memory_kernel = self.add_weight(
                shape=(m_dim, self.units), name="memory_kernel", initializer=self.kernel_initializer
            )
            self.score_vector = self.add_weight(
                shape=(self.units,), name="score_vector", initializer=self.kernel_initializer
            )
        if self.scale:
            self.score_gain = self.add_weight(shape=(), name="score_gain", initializer="ones")

    def project_memory(self, memory):
        if self.score_mode == "dot":
            return memory
        return ops.matmul(memory, self.memory_kernel)

    def project_query(self, query):
        return ops.matmul(query, self.query_kernel) if self.score_mode == "concat" else query

    def score(self, query, keys):
        if self.score_mode == "concat":
            hidden = ops.expand_dims(query, 2) + ops.expand_dims(keys, 1)
            scores = ops.sum(ops.tanh(hidden) * self.score_vector, axis=-1)
        else:
            scores = ops.matmul(query, ops.transpose(keys, (0, 2, 1)))
        if self.scale:
            scores = self.score_gain * scores
        return scores

    def get_config(self):
        config = {
            "score": self.score_mode,
            "units": self.units,
            "scale": self.scale,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**super().get_config(), **config}
