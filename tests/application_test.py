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
