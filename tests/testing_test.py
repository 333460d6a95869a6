import os

import keras
import numpy as np
import pytest

from zoo import layers, testing


def test_assert_builtin_parity_catches_a_difference():
    class OffByOne(layers.SimpleRNN):
        def call(self, sequences, initial_state=None, mask=None, training=False):
            out = super().call(sequences, initial_state=initial_state, mask=mask, training=training)
            return keras.tree.map_structure(lambda t: t + 1e-3, out)

    with pytest.raises(AssertionError):
        testing.assert_builtin_parity(OffByOne, keras.layers.SimpleRNN)


def test_run_layer_test_catches_a_broken_config():
    class Forgetful(layers.GRU):
        def get_config(self):
            config = super().get_config()
            config["units"] += 1
            return config

    with pytest.raises((AssertionError, ValueError)):
        testing.run_layer_test(Forgetful, {"units": 3}, (2, 4, 2), (2, 3), fit=False)


def test_run_without_zoo_blocks_zoo():
    assert testing.run_without_zoo("print('ok')").strip() == "ok"
    with pytest.raises(AssertionError, match="zoo is blocked"):
        testing.run_without_zoo("import zoo.layers")


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="SavedModel export needs TensorFlow")
def test_export_runs_without_zoo(tmp_path):
    x = testing.random_inputs((2, 6, 3))
    inputs = keras.Input((None, 3))
    y = keras.layers.Bidirectional(layers.LSTM(4, return_sequences=True, use_peepholes=True))(inputs)
    y = layers.IMG(5)(y)
    model = keras.Model(inputs, keras.layers.Dense(2)(y))
    expected = keras.ops.convert_to_numpy(model(x))
    path = str(tmp_path / "exported")
    model.export(path, format="tf_saved_model", verbose=False)
    np.save(tmp_path / "x.npy", x)
    out = testing.run_without_zoo(
        f"""
        import numpy as np, tensorflow as tf
        loaded = tf.saved_model.load({path!r})
        y = loaded.serve(tf.constant(np.load({str(tmp_path / "x.npy")!r})))
        np.save({str(tmp_path / "y.npy")!r}, y.numpy())
        print("served")
        """
    )
    assert "served" in out
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, atol=1e-5)
    assert os.path.exists(os.path.join(path, "saved_model.pb"))
