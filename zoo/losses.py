"""Losses: masked sequence cross-entropy (with label smoothing)."""

import keras
from keras import ops

from zoo import distribute
from zoo import validation as v


@keras.saving.register_keras_serializable(package="zoo")
class MaskedSparseCrossentropy(keras.losses.Loss):
    """Token-level cross-entropy from logits, averaged over the tokens that
    are not padding.

    With label smoothing eps (Szegedy et al. 2016) the target distribution is
    (1 - eps) on the true token plus eps spread uniformly over the vocabulary:

        loss = (1 - eps) * (-log p_y) + eps * mean_v(-log p_v)

    The mean is over the tokens of the whole global batch: split across
    `tf.distribute` replicas, a batch gives the same loss and gradients as on
    one device (each replica weighs its tokens by the global token count).

    Args:
        pad_id: the padding token id; its positions do not count.
        label_smoothing: eps in [0, 1).
    """

    def __init__(self, pad_id=0, label_smoothing=0.0, name="masked_sparse_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_id = int(pad_id)
        self.label_smoothing = v.rate("label_smoothing", label_smoothing)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, "int32")
        logp = ops.log_softmax(ops.cast(y_pred, "float32"), axis=-1)
        nll = -ops.take_along_axis(logp, ops.expand_dims(y_true, -1), axis=-1)[..., 0]
        if self.label_smoothing:
            nll = (1 - self.label_smoothing) * nll - self.label_smoothing * ops.mean(logp, axis=-1)
        mask = ops.cast(ops.not_equal(y_true, self.pad_id), "float32")
        # Per-position values for Keras's own reduction, which divides by the
        # local number of positions and by the replicas in sync; the weight
        # turns that into sum(nll * mask) / (tokens in the global batch).
        positions = ops.cast(ops.size(mask), "float32")
        tokens = ops.maximum(distribute.replica_sum(ops.sum(mask)), 1.0)
        return nll * mask * (positions * distribute.num_replicas() / tokens)

    def get_config(self):
        return {**super().get_config(), "pad_id": self.pad_id, "label_smoothing": self.label_smoothing}
