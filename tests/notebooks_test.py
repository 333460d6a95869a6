"""Every notebook runs top to bottom (smoke mode: ZOO_SMOKE=1)."""

import glob
import os

import pytest

NOTEBOOKS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "notebooks", "*.ipynb")))
# Notebooks that read data from ../shared/data (never committed).
NEEDS_DATA = {
    "translator.ipynb": "multi30k",
    "text_classifier.ipynb": "nltk/sentence_polarity",
    "char_lm.ipynb": "tinyshakespeare/input_train.txt",
    "inspect.ipynb": "tinyshakespeare/input_train.txt",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: os.path.basename(p))
def test_notebook_runs(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    needs = NEEDS_DATA.get(os.path.basename(path))
    if needs and not os.path.exists(os.path.join(os.path.dirname(path), "..", "..", "shared", "data", needs)):
        pytest.skip(f"../shared/data/{needs} is absent")
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
