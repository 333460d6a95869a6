"""The translator recipe runs end to end on shards it wrote, distributed,
and resumes from its backup."""

import json
import os
import subprocess
import sys

from tests.applications.conftest import MULTI30K, read_multi30k

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY = ["--embedding-dim", "16", "--encoder-units", "16", "--decoder-units", "16", "--min-count", "1"]


def _recipe(*args):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "applications", "translator", "train.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


def test_recipe_on_shards_with_mirrored_strategy(tmp_path):
    read_multi30k("val", "en", 1)  # skips when the data is absent
    shards = tmp_path / "shards"
    out = _recipe("--data", MULTI30K, "--write-shards", str(shards), "--limit", "120", "--num-shards", "3")
    assert "wrote 120 train pairs into 3 shard(s)" in out
    run = tmp_path / "run"
    out = _recipe(
        "--data",
        str(shards),
        "--out",
        str(run),
        "--epochs",
        "1",
        "--distribute",
        "mirrored",
        "--limit",
        "40",
        *TINY,
    )
    report = json.load(open(run / "eval.json"))
    assert report["sentences"] == 40 and "bleu" in report["beam"]
    metadata = json.load(open(run / "preset" / "metadata.json"))
    assert metadata["replicas"] == 1 and "--distribute mirrored" in metadata["recipe"]
