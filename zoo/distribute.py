"""Training on several devices and machines with the existing engines.

zoo has no distributed engine of its own: on TensorFlow it runs under
`tf.distribute` (MirroredStrategy, MultiWorkerMirroredStrategy), on JAX under
`keras.distribution` (DataParallel). This module picks one by name for the
recipes and holds the one cross-replica reduction our losses need.

    strategy = zoo.distribute.get_strategy("mirrored")
    with strategy.scope():
        model = Translator(...)
        model.compile()
    model.fit(...)
"""

import contextlib
import os

import keras

from zoo import validation as v

STRATEGIES = ("none", "mirrored", "multiworker", "data_parallel")


def num_replicas():
    """Replicas that each compute a part of a batch in the current context
    (1 outside `tf.distribute`, and on JAX, where one SPMD program sees the
    whole batch)."""
    if keras.config.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_sum(x):
    """Sum of `x` over the replicas of a `tf.distribute` step; `x` itself
    elsewhere.

    A loss normalized by a count that differs between replicas (tokens that
    are not padding) needs the global count, or a batch split across replicas
    would weigh tokens unlike the same batch on one device.
    """
    if keras.config.backend() != "tensorflow":
        return x
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return x
    return context.all_reduce(tf.distribute.ReduceOp.SUM, x)


def get_strategy(name="none", devices=None):
    """A distribution strategy by name, for the recipes' `--distribute`.

    Args:
        name: "none" (the default strategy), "mirrored" (all local devices, or
            `devices`), "multiworker" (TF_CONFIG names the cluster), or
            "data_parallel" (JAX: `keras.distribution.DataParallel` over all
            devices, set globally for the model and `fit`, as Keras asks;
            the returned scope does nothing).
        devices: device names for "mirrored" (e.g. ["/cpu:0", "/cpu:1"]).

    Returns:
        An object with a `scope()` context manager (build and compile the
        model inside it) and `num_replicas_in_sync`.
    """
    v.one_of("distribute", name, set(STRATEGIES))
    backend = keras.config.backend()
    if name == "none":
        if backend == "tensorflow":
            import tensorflow as tf

            return tf.distribute.get_strategy()
        return _NoStrategy()
    if name == "data_parallel":
        if backend != "jax":
            raise ValueError(
                f"distribute='data_parallel' is keras.distribution on the JAX backend; the backend is "
                f"{backend!r}. Use 'mirrored' or 'multiworker' on TensorFlow."
            )
        distribution = keras.distribution.DataParallel()
        keras.distribution.set_distribution(distribution)
        return _NoStrategy(len(distribution.device_mesh.devices.flatten()))
    if backend != "tensorflow":
        raise ValueError(
            f"distribute={name!r} is tf.distribute and needs KERAS_BACKEND=tensorflow; the backend is "
            f"{backend!r}. Use 'data_parallel' on JAX."
        )
    import tensorflow as tf

    if name == "mirrored":
        strategy = tf.distribute.MirroredStrategy(devices)
        if not any("GPU" in d.upper() for d in strategy.extended.worker_devices):
            # On CPU devices TF 2.21 picks CollectiveAllReduce, whose batched
            # all-reduce pairs the wrong collectives across replicas when
            # sparse (embedding) and dense gradients mix ("Shape mismatch in
            # the collective instance"; tests/distribute_test.py, the text
            # classifier). On one host the devices share memory: reduce there.
            strategy = tf.distribute.MirroredStrategy(
                devices, cross_device_ops=tf.distribute.ReductionToOneDevice()
            )
        return strategy
    if "TF_CONFIG" not in os.environ:
        raise ValueError(
            "distribute='multiworker' needs the TF_CONFIG environment variable naming the cluster."
        )
    return tf.distribute.MultiWorkerMirroredStrategy()


def is_chief():
    """Whether this process writes the results: always, except for the
    non-chief workers of a TF_CONFIG cluster (the chief, or worker 0 when
    the cluster has no chief)."""
    import json

    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task, cluster = config.get("task", {}), config.get("cluster", {})
    if not task:
        return True
    if "chief" in cluster:
        return task.get("type") == "chief"
    return task.get("type") == "worker" and int(task.get("index", 0)) == 0


def worker_folder(folder):
    """`folder` on the chief; a sub-folder of its own on any other worker
    (for checkpoints and outputs that must not collide)."""
    if is_chief():
        return folder
    import json

    task = json.loads(os.environ["TF_CONFIG"])["task"]
    return os.path.join(folder, f"worker-{task.get('type')}-{task.get('index', 0)}")


class _NoStrategy:
    """The scope of no tf.distribute strategy; `num_replicas_in_sync` counts
    the devices of a global `keras.distribution`, if any."""

    def __init__(self, num_replicas_in_sync=1):
        self.num_replicas_in_sync = num_replicas_in_sync

    def scope(self):
        return contextlib.nullcontext()


# Keras 3.15's TensorFlow trainer has two gaps under MultiWorkerMirroredStrategy
# (keras-team/keras #20329, #20585), closed here for `zoo.Application` (its
# `_maybe_symbolic_build`, `train_step` and `test_step` call these; the
# multi-worker test in tests/distribute_test.py guards them):
# 1. A model built in a strategy's scope is built from the first batch reduced
#    with strategy.reduce("MEAN"), which fails for nested batches (our named
#    inputs) and all-reduces a whole batch only to read its shapes.
# 2. The step's logs are reduced with strategy.reduce("MEAN", axis=0), which
#    fails for the scalar logs every model returns.


def _is_multi_worker(strategy):
    extended = getattr(strategy, "extended", None)
    return bool(getattr(extended, "_in_multi_worker_mode", lambda: False)())


def first_local_batch(strategy, iterator):
    """This worker's first replica's part of the first batch, for a symbolic
    build under a strategy (None when there is no strategy)."""
    if strategy is None:
        return None
    import tensorflow as tf

    for _, _, it in iterator:
        return keras.tree.map_structure(
            lambda x: (
                strategy.experimental_local_results(x)[0]
                if isinstance(x, tf.distribute.DistributedValues)
                else x
            ),
            next(it),
        )
    return None


def logs_for_reduction(strategy, logs):
    """Scalar logs as shape (1,) under a multi-worker strategy, so the
    trainer's mean over axis 0 averages them across all replicas into a
    scalar; unchanged elsewhere."""
    if strategy is None or not _is_multi_worker(strategy):
        return logs
    return keras.tree.map_structure(lambda x: keras.ops.reshape(x, (1,)), logs)
