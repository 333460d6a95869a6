import numpy as np
import pytest

from zoo.data.batches import EpochBatches


class Rows(EpochBatches):
    def make_batch(self, rows):
        return np.asarray(rows)

    def signature(self):
        import tensorflow as tf

        return tf.TensorSpec((None,), tf.int64)


LENGTHS = [5, 1, 3, 3, 3, 3, 2, 9, 3, 4]


@pytest.mark.parametrize("regroup", [False, True])
def test_epochs_cover_every_example_and_depend_on_seed_and_epoch_only(regroup):
    data = Rows(LENGTHS, batch_size=3, seed=7, regroup=regroup)
    epochs = []
    for epoch in range(4):
        data.set_epoch(epoch)
        batches = [data[i].tolist() for i in range(len(data))]
        assert sorted(sum(batches, [])) == list(range(len(LENGTHS)))
        for rows in batches:  # length-bucketed: batches are contiguous in length order
            others = [i for b in batches if b is not rows for i in b]
            lo, hi = min(LENGTHS[i] for i in rows), max(LENGTHS[i] for i in rows)
            assert sum(lo < LENGTHS[i] < hi for i in others) == 0
        epochs.append(batches)
    assert epochs[0] != epochs[1]
    again = Rows(LENGTHS, batch_size=3, seed=7, regroup=regroup)
    again.set_epoch(2)  # as a resumed run does
    assert [again[i].tolist() for i in range(len(again))] == epochs[2]
    if not regroup:  # the same batches, in another order
        assert sorted(map(sorted, epochs[0])) == sorted(map(sorted, epochs[1]))


def test_no_shuffle_is_length_order_and_dataset_advances_epochs():
    data = Rows(LENGTHS, batch_size=4, shuffle=False)
    assert (
        np.concatenate([data[i] for i in range(len(data))]).tolist()
        == np.argsort(LENGTHS, kind="stable").tolist()
    )
    shuffled = Rows(LENGTHS, batch_size=4, seed=1)
    dataset = shuffled.as_tf_dataset()
    assert dataset.zoo_epoch_source is shuffled
    first = [b.numpy().tolist() for b in dataset]
    second = [b.numpy().tolist() for b in dataset]
    shuffled.set_epoch(0)
    assert [b.numpy().tolist() for b in dataset] == first and len(first) == 3
    assert sorted(map(sorted, first)) == sorted(map(sorted, second))
