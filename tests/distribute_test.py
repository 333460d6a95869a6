"""Every application trains unchanged on several devices and workers, and the
trained weights equal a single-device run on the same global batches.

Each case runs tests/distribute_worker.py in fresh processes (a strategy must
be set up before TensorFlow starts): two logical CPU devices under
MirroredStrategy; two worker processes on 127.0.0.1 under
MultiWorkerMirroredStrategy; two host devices under keras.distribution on JAX.
"""

import json
import os
import socket
import subprocess
import sys

import keras
import pytest

from tests import distribute_worker
from zoo import distribute

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 300
# Same global batch, different summation order: float32 round-off only.
TOLERANCE = 1e-5


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    return {**env, "PYTHONPATH": ROOT, "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


def _worker(args, env, out):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.distribute_worker", "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(procs):
    try:
        for proc in procs:
            _, stderr = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0, stderr[-4000:]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def _check(result_file, replicas):
    results = json.load(open(result_file))
    assert sorted(results) == sorted(distribute_worker.APPS)
    for app, r in results.items():
        assert r["replicas"] == replicas, (app, r)
        assert r["max_weight_difference"] < TOLERANCE, (app, r)
        assert r["loss"] == pytest.approx(r["single_loss"], rel=1e-5), (app, r)


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_mirrored_strategy_equals_one_device(tmp_path):
    out = tmp_path / "r.json"
    _finish([_worker(["--strategy", "mirrored", "--logical-devices", "2"], _env(), out)])
    _check(out, replicas=2)


def test_multi_worker_strategy_equals_one_device(tmp_path):
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    procs = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        procs.append(
            _worker(
                ["--strategy", "multiworker"],
                _env(TF_CONFIG=json.dumps(config)),
                tmp_path / f"r{index}.json",
            )
        )
    _finish(procs)
    for index in range(2):
        _check(tmp_path / f"r{index}.json", replicas=2)


def test_jax_data_parallel_equals_one_device(tmp_path):
    pytest.importorskip("jax")
    out = tmp_path / "r.json"
    env = _env(KERAS_BACKEND="jax", XLA_FLAGS="--xla_force_host_platform_device_count=2")
    _finish([_worker(["--strategy", "data_parallel"], env, out)])
    _check(out, replicas=2)


def test_get_strategy_arguments(monkeypatch):
    with pytest.raises(ValueError, match="distribute"):
        distribute.get_strategy("horovod")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    if keras.config.backend() == "tensorflow":
        with pytest.raises(ValueError, match="TF_CONFIG"):
            distribute.get_strategy("multiworker")
        with pytest.raises(ValueError, match="data_parallel"):
            distribute.get_strategy("data_parallel")
    assert distribute.get_strategy("none").num_replicas_in_sync == 1
    assert distribute.num_replicas() == 1
    assert float(distribute.replica_sum(keras.ops.convert_to_tensor(3.0))) == 3.0
