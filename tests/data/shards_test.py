import gzip
import os

import pytest

from zoo.data import shards


def test_write_and_stream(tmp_path):
    lines = [f"record {i}" for i in range(103)]
    paths = shards.write_shards(iter(lines), str(tmp_path), num_shards=4, prefix="train", verbose=0)
    assert [os.path.basename(p) for p in paths] == [f"train-{i:05d}-of-00004.txt.gz" for i in range(4)]
    assert shards.shard_files(str(tmp_path), "train") == paths
    assert sorted(shards.iterate_lines(paths)) == sorted(lines)
    streamed = [x.decode() for x in shards.stream_lines(paths).as_numpy_iterator()]
    assert sorted(streamed) == sorted(lines)
    epochs = [
        [x.decode() for x in shards.stream_lines(paths, shuffle_buffer=50, seed=1).as_numpy_iterator()]
        for _ in range(2)
    ]
    assert sorted(epochs[0]) == sorted(lines) and epochs[0] != streamed


def test_each_worker_reads_its_own_files(tmp_path):
    import tensorflow as tf

    paths = shards.write_shards((str(i) for i in range(40)), str(tmp_path), num_shards=4, verbose=0)
    dataset = shards.stream_lines(paths, shuffle_buffer=8, seed=0)
    policy = dataset.options().experimental_distribute.auto_shard_policy
    assert policy == tf.data.experimental.AutoShardPolicy.FILE
    # What tf.distribute's auto-sharding does for worker i of 2: whole files.
    parts = [{int(x) for x in shards.stream_lines(paths[i::2]).as_numpy_iterator()} for i in range(2)]
    assert not parts[0] & parts[1] and parts[0] | parts[1] == set(range(40))


def test_interrupted_write_leaves_no_shard(tmp_path):
    def records():
        yield "one"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        shards.write_shards(records(), str(tmp_path), num_shards=2, verbose=0)
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="Record 1"):
        shards.write_shards(["ok", "two\nlines"], str(tmp_path), num_shards=2, verbose=0)
    assert os.listdir(tmp_path) == []
    with pytest.raises(FileNotFoundError, match="No shards"):
        shards.shard_files(str(tmp_path))
    with gzip.open(tmp_path / "x.gz", "wt") as f:
        f.write("x")
    with pytest.raises(ValueError, match="paths"):
        shards.stream_lines([])
