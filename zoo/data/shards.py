"""Corpora larger than memory: text shards on disk, streamed with `tf.data`.

A sharded corpus is a folder of gzipped text files (`<prefix>-00000-of-00008.txt.gz`),
one record a line; parallel text stores `source<TAB>target` a line. Streaming
reads the shards with `tf.data`, interleaved, shuffled (files, then records in
a buffer) and prefetched; under `tf.distribute` each worker reads its own
files (auto-shard policy FILE: a worker never reads a shard another one reads,
and too few shards for the workers is an error rather than a silent fallback).

    write_shards(lines, "corpus/", num_shards=8, prefix="train")
    dataset = stream_lines(shard_files("corpus/", "train"), shuffle_buffer=10000)
"""

import glob
import gzip
import os

from zoo import validation as v


def shard_name(prefix, index, num_shards):
    return f"{prefix}-{index:05d}-of-{num_shards:05d}.txt.gz"


def write_shards(lines, folder, num_shards=8, prefix="train", total=None, verbose=1):
    """Write records (strings without newlines) round-robin into `num_shards`
    gzipped files, streaming: `lines` may be any iterable.

    Args:
        total: number of records, for the progress bar (optional).
        verbose: show a progress bar.

    Returns:
        The list of shard paths.
    """
    import keras

    v.positive_int("num_shards", num_shards)
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, shard_name(prefix, i, num_shards)) for i in range(num_shards)]
    # Written under temporary names, renamed once all are complete: an
    # interrupted run leaves no shard that reads as whole.
    files = [gzip.open(p + ".partial", "wt", encoding="utf-8") for p in paths]
    progbar = keras.utils.Progbar(total, unit_name="record") if verbose else None
    count = 0
    try:
        for line in lines:
            if not isinstance(line, str) or "\n" in line or "\r" in line:
                raise ValueError(f"Record {count} must be a string of one line; received {line!r:.80}.")
            files[count % num_shards].write(line + "\n")
            count += 1
            if progbar is not None and count % 1000 == 0:
                progbar.update(count)
    except BaseException:
        for f, path in zip(files, paths):
            f.close()
            os.remove(path + ".partial")
        raise
    for f, path in zip(files, paths):
        f.close()
        os.replace(path + ".partial", path)
    if progbar is not None:
        progbar.update(count, finalize=True)
    return paths


def shard_files(folder, prefix="train"):
    """The shard paths of `prefix` in `folder`, sorted; FileNotFoundError if none."""
    paths = sorted(glob.glob(os.path.join(folder, f"{prefix}-*-of-*.txt.gz")))
    if not paths:
        raise FileNotFoundError(f"No shards {prefix}-*-of-*.txt.gz in {folder!r}.")
    return paths


def iterate_lines(paths):
    """The records of shards, in order, without loading them (Python)."""
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                yield line.rstrip("\n")


def stream_lines(paths, shuffle_buffer=0, seed=None, cycle_length=4):
    """A `tf.data.Dataset` of the records (tf.string) of the shards.

    With `shuffle_buffer > 0` the file order is shuffled every epoch and the
    records pass a shuffle buffer of that size; otherwise the order is the
    files' order, interleaved `cycle_length` at a time.
    """
    import tensorflow as tf

    if not paths:
        raise ValueError("`paths` must name at least one shard; received none.")
    files = tf.data.Dataset.from_tensor_slices(list(paths))
    if shuffle_buffer:
        files = files.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    dataset = files.interleave(
        lambda path: tf.data.TextLineDataset(path, compression_type="GZIP"),
        cycle_length=min(cycle_length, len(paths)),
        block_length=1,
        # Parallel reads only when the order is shuffled anyway.
        **({"num_parallel_calls": tf.data.AUTOTUNE, "deterministic": False} if shuffle_buffer else {}),
    )
    if shuffle_buffer:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.FILE
    return dataset.with_options(options)
