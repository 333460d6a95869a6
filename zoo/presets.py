"""Preset folders: find them, check them, write them atomically.

A preset is a folder holding

- `config.json`: `{"class_name": ..., "zoo_version": ..., "config": {...}}`, the
  model's constructor arguments; list-valued fields named in the class's
  `asset_fields` live in `assets/` instead, one item a line;
- `model.weights.h5`: the weights;
- `metadata.json`: data, license, recipe, measured metrics, and the sha256 of
  every other file, checked before anything is loaded;
- `assets/`: vocabularies and other files.

`resolve(preset)` accepts a shipped preset name, a local folder, or a URL of a
`.tar.gz` with its sha256 (`https://.../p.tar.gz#sha256=<hex>`), fetched once
into the Keras cache.
"""

import contextlib
import hashlib
import json
import os
import shutil
import tarfile
import tempfile

SHIPPED_DIR = os.path.join(os.path.dirname(__file__), "presets")
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
ASSETS_DIR = "assets"


class PresetError(ValueError):
    """A preset that cannot be loaded: missing, corrupt or for another class."""


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shipped():
    """Names of the presets shipped inside the package."""
    if not os.path.isdir(SHIPPED_DIR):
        return []
    return sorted(
        d for d in os.listdir(SHIPPED_DIR) if os.path.isfile(os.path.join(SHIPPED_DIR, d, CONFIG_FILE))
    )


def resolve(preset):
    """The local folder of a preset name, folder or URL."""
    if not isinstance(preset, (str, os.PathLike)):
        raise TypeError(f"`preset` must be a preset name, a folder or a URL; received preset={preset!r}.")
    preset = os.fspath(preset)
    if preset.startswith(("http://", "https://")):
        return _fetch(preset)
    if os.path.isdir(preset):
        return preset
    candidate = os.path.join(SHIPPED_DIR, preset)
    if os.path.isdir(candidate):
        return candidate
    raise PresetError(
        f"Unknown preset {preset!r}: not a shipped preset ({', '.join(shipped()) or 'none shipped'}), "
        "not a folder, not a URL."
    )


def cache_dir():
    """Where URL presets are kept: `$KERAS_HOME/zoo_presets` (~/.keras by
    default, as Keras's own cache)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "zoo_presets")


def _fetch(url):
    """Download and unpack a URL preset once, into the cache.

    The archive is downloaded to a temporary name and kept only if its sha256
    matches; it is unpacked into a temporary folder renamed into place when
    complete. A failed, interrupted or mismatching download leaves nothing in
    the cache.
    """
    import urllib.request

    base, _, fragment = url.partition("#")
    expected = fragment[len("sha256=") :].lower() if fragment.startswith("sha256=") else ""
    if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
        raise PresetError(
            f"A URL preset needs its sha256: '{base}#sha256=<64 hex digits>'; received {url!r}."
        )
    folder = cache_dir()
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(base.rstrip("/")) or "preset.tar.gz"
    archive = os.path.join(folder, f"{expected[:16]}-{name}")
    target = archive + ".d"
    if os.path.isdir(target):
        return target
    if not (os.path.isfile(archive) and sha256(archive) == expected):
        fd, partial = tempfile.mkstemp(prefix=".download-", dir=folder)
        os.close(fd)
        try:
            urllib.request.urlretrieve(base, partial)
            actual = sha256(partial)
            if actual != expected:
                raise PresetError(
                    f"The preset downloaded from {base} is corrupt or was changed: sha256 {actual}, "
                    f"expected {expected}. Nothing was kept."
                )
            os.replace(partial, archive)
        except PresetError:
            raise
        except BaseException as e:
            if isinstance(e, Exception):
                raise PresetError(f"Could not fetch preset {base}: {e}") from e
            raise
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    tmp = tempfile.mkdtemp(prefix=".unpack-", dir=folder)
    try:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as e:
            os.remove(archive)
            raise PresetError(f"The preset archive {archive} from {base} cannot be unpacked: {e}") from e
        entries = os.listdir(tmp)
        root = (
            os.path.join(tmp, entries[0])
            if len(entries) == 1 and os.path.isdir(os.path.join(tmp, entries[0]))
            else tmp
        )
        os.replace(root, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def load(preset, cls_name):
    """Read and check a preset folder.

    Returns:
        (folder, config, metadata) with list-valued assets read back into the
        config. Raises `PresetError` naming the file and the reason when a file
        is missing, fails its sha256 or belongs to another class.
    """
    folder = resolve(preset)
    config_path = os.path.join(folder, CONFIG_FILE)
    metadata_path = os.path.join(folder, METADATA_FILE)
    for path in (config_path, metadata_path, os.path.join(folder, WEIGHTS_FILE)):
        if not os.path.isfile(path):
            raise PresetError(f"Preset {folder!r} is incomplete: {path} is missing.")
    try:
        with open(config_path, encoding="utf-8") as f:
            stored = json.load(f)
        with open(metadata_path, encoding="utf-8") as f:
            metadata = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise PresetError(f"Preset file unreadable: {e}") from e
    if stored.get("class_name") != cls_name:
        raise PresetError(
            f"{config_path} is a preset for {stored.get('class_name')!r}, not for {cls_name!r}."
        )
    for relative, expected in metadata.get("sha256", {}).items():
        path = os.path.join(folder, relative)
        if not os.path.isfile(path):
            raise PresetError(f"Preset {folder!r} is incomplete: {path} is missing.")
        actual = sha256(path)
        if actual != expected:
            raise PresetError(f"{path} is corrupt or was changed: sha256 {actual}, expected {expected}.")
    config = dict(stored["config"])
    for field, relative in stored.get("assets", {}).items():
        with open(os.path.join(folder, relative), encoding="utf-8") as f:
            config[field] = f.read().split("\n")[:-1]
    return folder, config, metadata


def cast_weights_file(path, dtype):
    """Rewrite the float32 arrays of a `.weights.h5` file in `dtype` (into a
    new file: HDF5 does not give back the space of deleted arrays)."""
    import h5py
    import numpy as np

    tmp = path + ".cast"
    with h5py.File(path, "r") as src, h5py.File(tmp, "w") as dst:
        dst.attrs.update(src.attrs)

        def copy(name, obj):
            if isinstance(obj, h5py.Group):
                dst.require_group(name).attrs.update(obj.attrs)
            else:
                data = obj[()]
                if data.dtype == np.float32:
                    data = data.astype(dtype)
                dst.create_dataset(name, data=data).attrs.update(obj.attrs)

        src.visititems(copy)
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_folder(folder):
    """Write a folder atomically: yields a temporary sibling to fill, which
    replaces `folder` only once the block completes; on any error (or an
    interruption) the temporary folder is removed and `folder` is left as it
    was. Used by preset saving and by every SavedModel export.
    """
    folder = os.path.abspath(os.fspath(folder))
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".tmp-{os.path.basename(folder)}-", dir=parent)
    try:
        yield tmp
        if os.path.exists(folder):
            old = tempfile.mkdtemp(prefix=f".old-{os.path.basename(folder)}-", dir=parent)
            os.rmdir(old)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def save(folder, cls_name, config, weights_writer, metadata, asset_fields=(), version="0"):
    """Write a preset folder atomically (see `atomic_folder`).

    Args:
        weights_writer: a function writing the weights file to a given path.
        asset_fields: names of list-of-string config fields stored as
            `assets/<name>.txt`.
    """
    folder = os.path.abspath(os.fspath(folder))
    with atomic_folder(folder) as tmp:
        config = dict(config)
        assets = {}
        if asset_fields:
            os.makedirs(os.path.join(tmp, ASSETS_DIR))
        for field in asset_fields:
            relative = f"{ASSETS_DIR}/{field}.txt"
            with open(os.path.join(tmp, relative), "w", encoding="utf-8") as f:
                f.writelines(item + "\n" for item in config.pop(field))
            assets[field] = relative
        with open(os.path.join(tmp, CONFIG_FILE), "w", encoding="utf-8") as f:
            json.dump(
                {"class_name": cls_name, "zoo_version": version, "config": config, "assets": assets},
                f,
                indent=2,
            )
        weights_writer(os.path.join(tmp, WEIGHTS_FILE))
        hashed = [CONFIG_FILE, WEIGHTS_FILE] + list(assets.values())
        metadata = dict(metadata or {})
        metadata["sha256"] = {name: sha256(os.path.join(tmp, name)) for name in hashed}
        with open(os.path.join(tmp, METADATA_FILE), "w", encoding="utf-8") as f:
            json.dump(metadata, f, indent=2)
    return folder


def require_tensorflow(owner):
    """Raise a RuntimeError unless the backend is TensorFlow: `owner`'s
    SavedModel export is TensorFlow's format (a preset saved on any backend
    can be exported from a TensorFlow session)."""
    import keras

    backend = keras.config.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{owner}.export writes a TensorFlow SavedModel and needs KERAS_BACKEND=tensorflow; "
            f"the backend is {backend!r}. Save a preset and export it under TensorFlow."
        )
