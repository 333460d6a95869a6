"""`Application`: the base of the zoo applications (a `keras.Model`)."""

import os

import keras

from zoo import distribute, presets
from zoo import validation as v


class Application(keras.Model):
    """Base class of the ready-made models.

    Subclasses build their training graph functionally in `__init__` (named
    `keras.Input`s, so `fit`, `summary` and saving work), return their
    constructor arguments from `get_config`, and list in `asset_fields` the
    list-of-string arguments (vocabularies) that presets store as assets.

    Presets: `App.from_preset(name_or_folder_or_url)` and
    `app.save_to_preset(folder, metadata)`; see `zoo.presets` for the folder
    format and its checks.
    """

    asset_fields = ()

    def __init__(self, inputs, outputs, **kwargs):
        # keras.Model's functional constructor accepts and ignores unknown
        # keyword arguments: a misspelt argument of an application (or a
        # preset's config from another version) would pass silently.
        unknown = sorted(set(kwargs) - {"name", "trainable", "dtype"})
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected keyword argument(s) {unknown}.")
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def fit(self, x=None, y=None, validation_data=None, callbacks=None, **kwargs):
        """`keras.Model.fit`; datasets made by zoo that shuffle by epoch
        (they carry `zoo_epoch_source`) are told each epoch as it starts, so
        a run resumed by `BackupAndRestore` sees the batches of the
        uninterrupted run."""
        sources = [getattr(d, "zoo_epoch_source", None) for d in (x, validation_data)]
        sources = [s for s in sources if s is not None]
        if sources:
            callbacks = list(callbacks or []) + [_EpochSync(sources)]
        return super().fit(x, y, validation_data=validation_data, callbacks=callbacks, **kwargs)

    # -- tf.distribute: two Keras 3.15 gaps, closed in zoo.distribute --------

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if iterator is not None and data_batch is None:
            data_batch = distribute.first_local_batch(getattr(self, "_distribute_strategy", None), iterator)
            if data_batch is not None:
                iterator = None
        return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    def train_step(self, *args, **kwargs):
        logs = super().train_step(*args, **kwargs)
        return distribute.logs_for_reduction(getattr(self, "_distribute_strategy", None), logs)

    def test_step(self, *args, **kwargs):
        logs = super().test_step(*args, **kwargs)
        return distribute.logs_for_reduction(getattr(self, "_distribute_strategy", None), logs)

    @classmethod
    def from_preset(cls, preset, load_weights=True, **overrides):
        """Build the model of a preset and load its weights.

        Args:
            preset: a shipped preset name, a preset folder, or
                `https://.../preset.tar.gz#sha256=<hex>`.
            load_weights: load the trained weights (else a fresh model of the
                same configuration).
            **overrides: constructor arguments to change (e.g. `dropout`).

        Raises:
            zoo.presets.PresetError (a ValueError): the preset is unknown,
            incomplete, corrupt (sha256 mismatch, with the path and the
            expected hash) or for another class. No model is returned then.
        """
        folder, config, metadata = presets.load(preset, cls.__name__)
        config.update(overrides)
        try:
            model = cls.from_config(config)
        except (TypeError, ValueError) as e:
            raise presets.PresetError(
                f"The configuration in {os.path.join(folder, presets.CONFIG_FILE)} does not build a "
                f"{cls.__name__}: {e}"
            ) from e
        if load_weights:
            path = os.path.join(folder, presets.WEIGHTS_FILE)
            try:
                model.load_weights(path)
            except Exception as e:
                raise presets.PresetError(
                    f"Could not load the weights {path} into {cls.__name__}: {e}"
                ) from e
        model.preset_metadata = metadata
        return model

    def save_to_preset(self, folder, metadata=None, weights_dtype="float32"):
        """Write this model as a preset folder (atomically).

        Only the model's weights are written (no optimizer state). With
        `weights_dtype="float16"` they are stored in half precision (half the
        size; loaded back into float32 variables).
        """
        import zoo

        v.one_of("weights_dtype", weights_dtype, {"float32", "float16"})

        def write_weights(path):
            # A fresh, uncompiled twin, so the file holds no optimizer state.
            twin = type(self).from_config(self.get_config())
            twin.set_weights(self.get_weights())
            twin.save_weights(path)
            if weights_dtype == "float16":
                presets.cast_weights_file(path, "float16")

        return presets.save(
            folder,
            type(self).__name__,
            self.get_config(),
            write_weights,
            metadata,
            asset_fields=self.asset_fields,
            version=zoo.__version__,
        )


class _EpochSync(keras.callbacks.Callback):
    """Tells epoch-shuffled datasets the epoch Keras is starting."""

    def __init__(self, sources):
        super().__init__()
        self.sources = sources

    def on_epoch_begin(self, epoch, logs=None):
        for source in self.sources:
            source.set_epoch(epoch)
