"""Length-bucketed batches for `fit` whose every epoch is reproducible.

`EpochBatches` sorts examples by length into batches (little padding) and
shuffles the batch order every epoch. Epoch e depends only on (seed, e), so a
run resumed from a checkpoint at epoch e (`zoo.callbacks.BackupAndRestore`)
sees the batches the uninterrupted run saw: `zoo.Application.fit` tells the
dataset the epoch Keras starts (`set_epoch`, through the dataset attribute
`zoo_epoch_source`). The applications subclass it with their padding.
"""

import keras
import numpy as np


class EpochBatches(keras.utils.PyDataset):
    """Base of the applications' batch sources (not used directly).

    Args:
        lengths: sort key of each example (e.g. its token count).
        batch_size: examples per batch.
        shuffle: shuffle the batch order every epoch (else length order).
        seed: the shuffle seed.
        regroup: with `shuffle`, break length ties at random each epoch, so
            that batches change between epochs too (else they are fixed and
            only their order changes).

    Subclasses implement `make_batch(rows)` (the batch of those example
    indices) and `signature()` (its `tf.TensorSpec` structure, with None
    batch and length dimensions).
    """

    def __init__(self, lengths, batch_size, shuffle=True, seed=0, regroup=False, **kwargs):
        super().__init__(**kwargs)
        self.lengths = np.asarray(lengths)
        self.batch_size, self.shuffle, self.seed, self.regroup = batch_size, shuffle, seed, regroup
        self._fixed = self._split(np.argsort(self.lengths, kind="stable"))
        self.set_epoch(0)

    def _split(self, order):
        return [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]

    def __len__(self):
        return len(self._fixed)

    def set_epoch(self, epoch):
        """Make the batches and their order of epoch `epoch`."""
        self.epoch = int(epoch)
        self.batches = self._fixed
        if not self.shuffle:
            self.order = np.arange(len(self.batches))
            return
        rng = np.random.default_rng([self.seed, self.epoch])
        if self.regroup:
            self.batches = self._split(np.lexsort((rng.random(len(self.lengths)), self.lengths)))
        self.order = rng.permutation(len(self.batches))

    def on_epoch_end(self):
        self.set_epoch(self.epoch + 1)

    def __getitem__(self, index):
        return self.batch(self.order[index])

    def batch(self, number, batches=None):
        """Batch `number` of this epoch's length-sorted batches (not the
        shuffled order)."""
        return self.make_batch((self.batches if batches is None else batches)[number])

    def make_batch(self, rows):
        raise NotImplementedError

    def signature(self):
        raise NotImplementedError

    def as_tf_dataset(self):
        """The batches as a prefetched `tf.data.Dataset` with variable batch
        and length dimensions, or None without TensorFlow. (Keras infers a
        `PyDataset`'s shapes from its first two batches, which breaks on
        batches of varying lengths under TensorFlow.) Each pass over it is
        the next epoch unless `set_epoch` says otherwise."""
        try:
            import tensorflow as tf
        except ImportError:
            return None

        def generate():
            order, batches = self.order, self.batches
            self.on_epoch_end()
            for index in order:
                yield self.batch(index, batches)

        dataset = tf.data.Dataset.from_generator(generate, output_signature=self.signature())
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(self))).prefetch(4)
        dataset.zoo_epoch_source = self
        return dataset
