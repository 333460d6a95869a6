"""Training callbacks for the recipes: resumable to the same weights, and
stopping cleanly on a non-finite loss."""

import json
import math
import os
import warnings

import keras
import numpy as np

SEED_STATES_FILE = "seed_states.npz"


def _seed_states(model):
    # Every keras.random.SeedGenerator (dropout layers, cells' dropout masks)
    # keeps its state in a variable of this name.
    return [v for v in model.variables if v.path.endswith("seed_generator_state")]


class BackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that also restores the random
    state, so a resumed run reaches the weights of the uninterrupted one.

    Keras checkpoints the weights, the optimizer and the epoch, but not the
    states of the seed generators that draw dropout masks: a run killed after
    epoch k and resumed would draw other masks from then on and end elsewhere.
    This callback writes those states beside each checkpoint (with the epoch
    they belong to) and restores them with it. Same arguments as Keras's.

    Resuming to the same weights also needs the data order of an epoch to
    depend on the epoch only; zoo's datasets do (see `Application.fit`).
    """

    def _save_model(self):
        # The one place both backup paths ("epoch" and every N batches) pass;
        # a private hook of Keras 3.15, guarded by
        # tests/reliability/training_test.py.
        super()._save_model()
        states = {
            f"s{i}": np.asarray(keras.ops.convert_to_numpy(v)) for i, v in enumerate(_seed_states(self.model))
        }
        path = os.path.join(self.backup_dir, SEED_STATES_FILE)
        tmp = path + ".partial.npz"
        np.savez(tmp, epoch=self._current_epoch, batch=self._last_batch_seen, **states)
        os.replace(tmp, path)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        path = os.path.join(self.backup_dir, SEED_STATES_FILE)
        metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        if not (os.path.exists(path) and os.path.exists(metadata_path)):
            return
        with open(metadata_path) as f:
            epoch = json.load(f)["epoch"]
        saved = np.load(path)
        variables = _seed_states(self.model)
        if int(saved["epoch"]) != epoch or len(saved.files) - 2 != len(variables):
            warnings.warn(
                f"{path} does not belong to the checkpoint of epoch {epoch}: dropout masks after the "
                "restart will differ from an uninterrupted run.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(variables):
            variable.assign(saved[f"s{i}"])


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop training at the first NaN or infinite loss with a clear message,
    giving back the weights of the last good epoch.

    Keras's `TerminateOnNaN` stops but leaves the broken weights in the model,
    and the epoch-end callbacks (checkpoints, BackupAndRestore) then save
    them. This one keeps a copy of the weights at the end of each good epoch,
    puts it back at the first non-finite loss and raises `FloatingPointError`
    naming the epoch and the batch at once, before any epoch-end callback
    runs: the last checkpoint written stays the last good one. With
    `raise_error=False` it only stops training (the restored good weights are
    what epoch-end callbacks then see).
    """

    def __init__(self, raise_error=True):
        super().__init__()
        self.raise_error = bool(raise_error)
        self.good_weights = None
        self.good_epoch = None
        self.epoch = 0

    def on_train_begin(self, logs=None):
        self.good_weights = [np.array(w) for w in self.model.get_weights()]
        self.good_epoch = None
        self.broken = False

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        self.model.set_weights(self.good_weights)
        self.model.stop_training = True
        self.broken = True
        restored = (
            f"the weights of the end of epoch {self.good_epoch} are restored"
            if self.good_epoch is not None
            else "the weights from before training are restored"
        )
        message = f"The loss became {float(loss)} at batch {batch} of epoch {self.epoch}: training stopped; {restored}."
        if self.raise_error:
            raise FloatingPointError(message)
        warnings.warn(message, stacklevel=2)

    def on_epoch_end(self, epoch, logs=None):
        if not self.broken:
            self.good_weights = [np.array(w) for w in self.model.get_weights()]
            self.good_epoch = epoch
