import json
import os

import pytest

from zoo import presets


def _write(folder, payload=b"weights"):
    return presets.save(
        folder,
        "Toy",
        {"size": 3, "vocabulary": ["a", "b"]},
        lambda p: open(p, "wb").write(payload),
        {"data": "x"},
        asset_fields=("vocabulary",),
        version="test",
    )


def test_save_and_load(tmp_path):
    folder = _write(str(tmp_path / "p"))
    assert sorted(os.listdir(folder)) == ["assets", "config.json", "metadata.json", "model.weights.h5"]
    got, config, metadata = presets.load(folder, "Toy")
    assert config == {"size": 3, "vocabulary": ["a", "b"]} and metadata["data"] == "x"
    assert set(metadata["sha256"]) == {"config.json", "model.weights.h5", "assets/vocabulary.txt"}


def test_corrupt_files_fail_with_path_and_hash(tmp_path):
    folder = _write(str(tmp_path / "p"))
    expected = json.load(open(os.path.join(folder, "metadata.json")))["sha256"]["assets/vocabulary.txt"]
    with open(os.path.join(folder, "assets", "vocabulary.txt"), "a") as f:
        f.write("c\n")
    with pytest.raises(presets.PresetError) as err:
        presets.load(folder, "Toy")
    assert "vocabulary.txt" in str(err.value) and expected in str(err.value)


def test_wrong_class_and_missing(tmp_path):
    folder = _write(str(tmp_path / "p"))
    with pytest.raises(presets.PresetError, match="not for 'Other'"):
        presets.load(folder, "Other")
    os.remove(os.path.join(folder, "metadata.json"))
    with pytest.raises(presets.PresetError, match="missing"):
        presets.load(folder, "Toy")
    with pytest.raises(presets.PresetError, match="Unknown preset"):
        presets.resolve(str(tmp_path / "nothing"))
    with pytest.raises(TypeError, match="preset"):
        presets.resolve(3)


def test_url_needs_sha256():
    with pytest.raises(presets.PresetError, match="sha256"):
        presets.resolve("https://example.invalid/p.tar.gz")


def test_saving_is_atomic(tmp_path):
    folder = str(tmp_path / "p")
    _write(folder, b"first")

    def failing_writer(path):
        open(path, "wb").write(b"half")
        raise KeyboardInterrupt("interrupted")

    with pytest.raises(KeyboardInterrupt):
        presets.save(folder, "Toy", {"size": 4}, failing_writer, {})
    # The previous preset is intact and no temporary folder is left behind.
    _, config, _ = presets.load(folder, "Toy")
    assert config["size"] == 3
    assert os.listdir(tmp_path) == ["p"]


def test_cast_weights_file(tmp_path):
    h5py = pytest.importorskip("h5py")
    import numpy as np

    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("layers/a/vars/0", data=np.ones((100, 100), "float32"))
        f.create_dataset("layers/a/vars/1", data=np.arange(3))
    before = os.path.getsize(path)
    presets.cast_weights_file(path, "float16")
    with h5py.File(path) as f:
        assert f["layers/a/vars/0"].dtype == np.float16 and f["layers/a/vars/1"].dtype != np.float16
    assert os.path.getsize(path) < 0.6 * before


def test_shipped_presets_are_complete():
    for name in presets.shipped():
        folder, config, metadata = presets.load(
            name, json.load(open(os.path.join(presets.SHIPPED_DIR, name, "config.json")))["class_name"]
        )
        for key in ("data", "data_license", "recipe"):
            assert metadata.get(key), f"{name}: metadata.json lacks {key}"
