import gzip

import pytest

from zoo.data import read_parallel


def test_read_parallel(tmp_path):
    (tmp_path / "train.en").write_text("a\nb\n", encoding="utf-8")
    with gzip.open(tmp_path / "train.de.gz", "wt", encoding="utf-8") as f:
        f.write("x\ny\n")
    assert read_parallel(str(tmp_path), "train", "en", "de") == (["a", "b"], ["x", "y"])
    assert read_parallel(str(tmp_path), "train", "en", "de", limit=1) == (["a"], ["x"])
    with pytest.raises(FileNotFoundError, match="train.fr"):
        read_parallel(str(tmp_path), "train", "en", "fr")
    (tmp_path / "val.en").write_text("a\n", encoding="utf-8")
    (tmp_path / "val.de").write_text("x\ny\n", encoding="utf-8")
    with pytest.raises(ValueError, match="1 lines"):
        read_parallel(str(tmp_path), "val", "en", "de")
