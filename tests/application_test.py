import keras
import numpy as np
import pytest

from zoo import presets
from zoo.application import Application


@keras.saving.register_keras_serializable(package="zoo_test")
class Tiny(Application):
    asset_fields = ("labels",)

    def __init__(self, labels, units=3, **kwargs):
        inputs = keras.Input((2,), name="x")
        super().__init__(inputs, keras.layers.Dense(units)(inputs), **kwargs)
        self.labels, self.units = labels, units

    def get_config(self):
        return {"labels": self.labels, "units": self.units, "name": self.name}


def test_preset_roundtrip(tmp_path):
    model = Tiny(["x", "y"])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 3)), verbose=0)  # gives it optimizer state
    folder = model.save_to_preset(str(tmp_path / "p"), metadata={"data": "none"}, weights_dtype="float16")
    loaded = Tiny.from_preset(folder)
    assert loaded.labels == ["x", "y"]
    np.testing.assert_allclose(loaded(np.ones((1, 2))), model(np.ones((1, 2))), atol=1e-2)
    fresh = Tiny.from_preset(folder, load_weights=False, units=3)
    assert fresh.units == 3
    with pytest.raises(ValueError, match="weights_dtype"):
        model.save_to_preset(str(tmp_path / "q"), weights_dtype="int8")


def test_mismatched_weights_fail_whole(tmp_path):
    folder = Tiny(["x"], units=3).save_to_preset(str(tmp_path / "p"))
    with pytest.raises(presets.PresetError, match="model.weights.h5"):
        Tiny.from_preset(folder, units=5)


def test_config_of_another_version_fails_whole(tmp_path):
    # A preset written by another zoo version whose constructor took other
    # arguments: hashes match, the configuration does not build the class.
    folder = presets.save(
        str(tmp_path / "p"),
        "Tiny",
        {"labels": ["x"], "units": 3, "renamed_argument": 1},
        lambda path: Tiny(["x"]).save_weights(path),
        {},
        asset_fields=("labels",),
        version="99.0",
    )
    with pytest.raises(presets.PresetError, match="config.json") as err:
        Tiny.from_preset(folder)
    assert "renamed_argument" in str(err.value)


def test_atomic_folder_keeps_the_old_one(tmp_path):
    target = tmp_path / "export"
    with presets.atomic_folder(target) as tmp:
        open(f"{tmp}/a", "w").write("1")
    with pytest.raises(KeyboardInterrupt):
        with presets.atomic_folder(target) as tmp:
            open(f"{tmp}/a", "w").write("2")
            raise KeyboardInterrupt
    assert open(target / "a").read() == "1" and sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_unknown_argument_is_an_error():
    with pytest.raises(TypeError, match="untis"):
        Tiny(["x"], untis=3)
