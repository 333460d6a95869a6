"""Interrupted training: a recipe killed with SIGKILL mid-epoch and restarted
resumes from its last checkpoint and ends with the weights of a run that was
never interrupted."""

import os
import signal
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Same seed, same batches, same dropout masks, same arithmetic: only float
# round-off of reloaded values could differ.
TOLERANCE = 1e-6


def _run(out, *args, stall=False):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, "-m", "tests.reliability.resume_worker", "--out", str(out), *args]
    if not stall:
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc.stdout
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()  # blocks until the run stalls mid-epoch
        assert line.strip() == "STALLED", (
            line,
            proc.stderr.read()[-3000:] if proc.poll() is not None else "",
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode


def test_killed_run_resumes_to_the_same_weights(tmp_path):
    _run(tmp_path / "straight")
    assert _run(tmp_path / "killed", "--stall-in-epoch", "3", stall=True) == -signal.SIGKILL
    assert not (tmp_path / "killed" / "final.npz").exists()
    out = _run(tmp_path / "killed")
    assert "epochs run 2" in out  # epochs 3 and 4 only: 0-2 came from the checkpoint
    straight = np.load(tmp_path / "straight" / "final.npz")
    resumed = np.load(tmp_path / "killed" / "final.npz")
    for key in straight.files:
        np.testing.assert_allclose(resumed[key], straight[key], atol=TOLERANCE, err_msg=key)
