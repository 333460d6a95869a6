"""Presets fail whole: corrupt, truncated, mismatched or foreign files, and
URL presets whose bytes do not match their sha256, never load, never leave a
half-loaded model and never leave a bad file in the cache."""

import functools
import http.server
import io
import os
import tarfile
import threading

import pytest

from tests.application_test import Tiny
from zoo import presets
from zoo.application import Application


@pytest.fixture
def server(tmp_path):
    """A static file server on 127.0.0.1 serving `tmp_path/www` (stops by itself)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path / "keras_home" / "zoo_presets"


def _archive(folder, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname="tiny")
    return presets.sha256(path)


def test_url_preset_loads_once_and_offline(tmp_path, server, cache):
    root, url = server
    model = Tiny(["a", "b"])
    digest = _archive(model.save_to_preset(str(tmp_path / "p")), root / "tiny.tar.gz")
    loaded = Tiny.from_preset(f"{url}/tiny.tar.gz#sha256={digest}")
    assert loaded.labels == ["a", "b"]
    os.remove(root / "tiny.tar.gz")  # the cache serves it from now on
    assert Tiny.from_preset(f"{url}/tiny.tar.gz#sha256={digest.upper()}").labels == ["a", "b"]


def test_url_preset_with_wrong_hash_keeps_nothing(tmp_path, server, cache):
    root, url = server
    _archive(Tiny(["a"]).save_to_preset(str(tmp_path / "p")), root / "tiny.tar.gz")
    wrong = "0" * 64
    with pytest.raises(presets.PresetError, match=f"expected {wrong}"):
        Tiny.from_preset(f"{url}/tiny.tar.gz#sha256={wrong}")
    assert not cache.exists() or os.listdir(cache) == []
    with pytest.raises(presets.PresetError, match="Could not fetch"):
        Tiny.from_preset(f"{url}/missing.tar.gz#sha256={wrong}")
    assert not cache.exists() or os.listdir(cache) == []
    for bad in ("#sha256=abc", "#sha256=" + "g" * 64, ""):
        with pytest.raises(presets.PresetError, match="sha256"):
            Tiny.from_preset(f"{url}/tiny.tar.gz{bad}")


def test_url_preset_that_is_not_an_archive(server, cache):
    root, url = server
    (root / "junk.tar.gz").write_bytes(b"not a tar file at all")
    digest = presets.sha256(root / "junk.tar.gz")
    with pytest.raises(presets.PresetError, match="cannot be unpacked"):
        Tiny.from_preset(f"{url}/junk.tar.gz#sha256={digest}")
    assert os.listdir(cache) == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "swap", "empty"])
def test_damaged_weights_fail_whole(tmp_path, damage):
    folder = Tiny(["a"]).save_to_preset(str(tmp_path / "p"))
    weights = os.path.join(folder, presets.WEIGHTS_FILE)
    data = open(weights, "rb").read()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data[:-64] + bytes(b ^ 0xFF for b in data[-64:])
    elif damage == "swap":  # a valid weights file of another model
        other = Tiny(["a"], units=5).save_to_preset(str(tmp_path / "q"))
        data = open(os.path.join(other, presets.WEIGHTS_FILE), "rb").read()
    else:
        data = b""
    open(weights, "wb").write(data)
    with pytest.raises(presets.PresetError) as err:
        Tiny.from_preset(folder)
    assert weights in str(err.value) and "expected" in str(err.value)


def test_missing_asset_and_foreign_class(tmp_path):
    folder = Tiny(["a"]).save_to_preset(str(tmp_path / "p"))
    with pytest.raises(presets.PresetError, match="not for 'Other'"):
        presets.load(folder, "Other")
    os.remove(os.path.join(folder, "assets", "labels.txt"))
    with pytest.raises(presets.PresetError, match="labels.txt is missing"):
        Tiny.from_preset(folder)


def test_interrupted_save_keeps_the_previous_preset(tmp_path, monkeypatch):
    folder = Tiny(["a"]).save_to_preset(str(tmp_path / "p"))
    before = {
        name: presets.sha256(os.path.join(folder, name)) for name in ("config.json", "model.weights.h5")
    }

    def interrupted(self, path, *args, **kwargs):
        open(path, "wb").write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Application, "save_weights", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Tiny(["b"]).save_to_preset(folder)
    monkeypatch.undo()
    assert Tiny.from_preset(folder).labels == ["a"]
    assert before == {name: presets.sha256(os.path.join(folder, name)) for name in before}
    assert sorted(os.listdir(tmp_path)) == ["p"]


def test_archive_members_cannot_escape(tmp_path, server, cache):
    root, url = server
    buffer = io.BytesIO(b"x")
    with tarfile.open(root / "evil.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 1
        tar.addfile(info, buffer)
    digest = presets.sha256(root / "evil.tar.gz")
    with pytest.raises(presets.PresetError):
        Tiny.from_preset(f"{url}/evil.tar.gz#sha256={digest}")
    assert not (tmp_path / "escaped.txt").exists() and not (cache.parent / "escaped.txt").exists()
