import json
import os

import keras
import numpy as np
import pytest

from zoo import callbacks


def _model():
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dropout(0.5), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.SGD(0.01), "mse")
    return model


def test_stop_on_non_finite_keeps_the_last_good_epoch(tmp_path):
    x = np.random.default_rng(0).standard_normal((64, 3)).astype("float32")
    y = np.zeros((64, 1), "float32")
    model = _model()

    class Poison(keras.callbacks.Callback):
        # From epoch 2 on, the inputs of the layer hold an infinity.
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                model.layers[0].kernel.assign(np.full((3, 4), np.inf, "float32"))

    good = {}

    class Remember(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            good[epoch] = [np.array(w) for w in model.get_weights()]

    backup = str(tmp_path / "backup")
    stop = callbacks.StopOnNonFinite()
    with pytest.raises(FloatingPointError, match=r"at batch 0 of epoch 2.*end of epoch 1 are restored"):
        model.fit(
            x,
            y,
            batch_size=16,
            epochs=5,
            verbose=0,
            callbacks=[
                Remember(),
                callbacks.BackupAndRestore(backup, delete_checkpoint=False),
                Poison(),
                stop,
            ],
        )
    for restored, expected in zip(model.get_weights(), good[1]):
        np.testing.assert_array_equal(restored, expected)
    # The checkpoint on disk is still the one of the last good epoch.
    assert json.load(open(os.path.join(backup, "training_metadata.json")))["epoch"] == 2
    checkpoint = _model()
    checkpoint.load_weights(os.path.join(backup, "latest.weights.h5"))
    for restored, expected in zip(checkpoint.get_weights(), good[1]):
        np.testing.assert_array_equal(restored, expected)


def test_stop_without_raising():
    model = _model()
    model.layers[0].kernel.assign(np.full((3, 4), np.nan, "float32"))
    before = [np.array(w) for w in model.get_weights()]
    with pytest.warns(UserWarning, match="weights from before training"):
        history = model.fit(
            np.ones((8, 3)),
            np.ones((8, 1)),
            epochs=3,
            verbose=0,
            callbacks=[callbacks.StopOnNonFinite(raise_error=False)],
        )
    assert len(history.history["loss"]) == 1
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_backup_restores_the_random_state(tmp_path):
    model = _model()
    x, y = np.ones((16, 3)), np.ones((16, 1))
    backup = str(tmp_path / "b")
    model.fit(
        x, y, epochs=2, verbose=0, callbacks=[callbacks.BackupAndRestore(backup, delete_checkpoint=False)]
    )
    saved = np.load(os.path.join(backup, callbacks.SEED_STATES_FILE))
    state = [v for v in model.variables if v.path.endswith("seed_generator_state")]
    assert int(saved["epoch"]) == 2 and len(state) == 1
    np.testing.assert_array_equal(saved["s0"], keras.ops.convert_to_numpy(state[0]))
    fresh = _model()
    fresh_state = [v for v in fresh.variables if v.path.endswith("seed_generator_state")][0]
    assert not np.array_equal(keras.ops.convert_to_numpy(fresh_state), saved["s0"])
    fresh.fit(
        x, y, epochs=2, verbose=0, callbacks=[callbacks.BackupAndRestore(backup)]
    )  # nothing left to run
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(fresh_state), saved["s0"])
