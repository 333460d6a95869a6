import json
import os

from zoo import demo


def test_demo_writes_outputs(tmp_path):
    out = tmp_path / "demo"
    summary = demo.run(str(out), log=lambda *_: None)
    for name in ("summary.json", "echo_state_mackey_glass.png", "cells.png"):
        assert os.path.getsize(out / name) > 0
    with open(out / "summary.json") as f:
        assert json.load(f) == json.loads(json.dumps(summary))
    # The ESN really forecasts: free-running NRMSE over 84 steps.
    assert summary["echo_state_mackey_glass"]["nrmse"] < 0.05
    assert len(summary["cells"]) == 10
