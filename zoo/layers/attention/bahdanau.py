"""Additive attention of Bahdanau, Cho and Bengio (2015)."""

import keras
from keras import ops

from zoo import validation as v
from zoo.layers.attention.base import ScoreAttention


@keras.saving.register_keras_serializable(package="zoo")
class BahdanauAttention(ScoreAttention):
    """Additive (Bahdanau) attention with learned projections.

    Equations (s the query, h_j the memory states):

        e_j = v^T tanh(W_q s + W_k h_j)
        a = softmax(e) over the unmasked j
        context = sum_j a_j h_j

    With `normalize=True`, v is weight-normalized and a bias is added
    (Salimans and Kingma 2016, as in TF-Addons' normalized Bahdanau):

        e_j = g v^T / ||v|| tanh(W_q s + W_k h_j + b)

    Unlike `keras.layers.AdditiveAttention` (which sums tanh(q + k) with no
    projections), W_q (`query_kernel`), W_k (`memory_kernel`) and v
    (`score_vector`) are learned, and the query and memory may differ in size.

    Args:
        units: size of the hidden layer of the score (W_q, W_k map to it).
        normalize: weight-normalize v and add the bias b.
        kernel_initializer: initializer of W_q, W_k and v.

    Example:

    >>> attention = BahdanauAttention(16)
    >>> context, weights = attention(np.ones((2, 8), "float32"), np.ones((2, 5, 6), "float32"))
    >>> context.shape, weights.shape
    ((2, 6), (2, 5))

    Reference:
        Bahdanau, Cho and Bengio, "Neural machine translation by jointly
        learning to align and translate", ICLR 2015, appendix A.1.2.
    """

    def __init__(self, units, normalize=False, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = v.positive_int("units", units)
        self.normalize = bool(normalize)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, query_shape, memory_shape, memory_mask_shape=None, keys_shape=None):
        self.query_kernel = self.add_weight(
            shape=(query_shape[-1], self.units), name="query_kernel", initializer=self.kernel_initializer
        )
        self.memory_kernel = self.add_weight(
            shape=(memory_shape[-1], self.units), name="memory_kernel", initializer=self.kernel_initializer
        )
        self.score_vector = self.add_weight(
            shape=(self.units,), name="score_vector", initializer=self.kernel_initializer
        )
        if self.normalize:
            self.score_gain = self.add_weight(
                shape=(),
                name="score_gain",
                initializer=keras.initializers.Constant((1.0 / self.units) ** 0.5),
            )
            self.score_bias = self.add_weight(shape=(self.units,), name="score_bias", initializer="zeros")

    def project_memory(self, memory):
        return ops.matmul(memory, self.memory_kernel)

    def project_query(self, query):
        return ops.matmul(query, self.query_kernel)

    def score(self, query, keys):
        hidden = ops.expand_dims(query, 2) + ops.expand_dims(
            keys, 1
        )  # (batch, query_time, memory_time, units)
        vector = self.score_vector
        if self.normalize:
            hidden = hidden + self.score_bias
            vector = self.score_gain * vector * ops.rsqrt(ops.sum(ops.square(vector)))
        return ops.sum(ops.tanh(hidden) * vector, axis=-1)

    def get_config(self):
        config = {
            "units": self.units,
            "normalize": self.normalize,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**super().get_config(), **config}
