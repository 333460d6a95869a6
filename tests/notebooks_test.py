"""Every notebook runs top to bottom (smoke mode: ZOO_SMOKE=1)."""

import glob
import os

import pytest

NOTEBOOKS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "notebooks", "*.ipynb")))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: os.path.basename(p))
def test_notebook_runs(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    if "translator" in path and not os.path.isdir(
        os.path.join(os.path.dirname(path), "..", "..", "shared", "data", "multi30k")
    ):
        pytest.skip("Multi30k (../shared/data) is absent")
    monkeypatch.setenv("ZOO_SMOKE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    assert all(c.get("outputs", []) == [] for c in notebook.cells if c.cell_type == "code"), (
        "commit notebooks without outputs"
    )
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": os.path.dirname(path)}}
    )
    client.execute()
