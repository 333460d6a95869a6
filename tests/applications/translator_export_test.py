import json
import os
import shutil
import subprocess
import sys

import keras
import pytest

from zoo import testing


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="SavedModel export needs TensorFlow")
def test_export(toy_translator, tmp_path):
    model, sources, targets = toy_translator
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    model.fit((sources, targets), epochs=25, verbose=0)
    path = str(tmp_path / "exported")
    model.export(path, sampler="beam", beam_size=3)
    inputs = sources[:5] + ["", "Völlig unbekannt ✓"]
    expected_beam = model.translate(inputs, sampler="beam", beam_size=3)
    expected_greedy = model.translate(inputs)
    out = testing.run_without_zoo(
        f"""
        import json, tensorflow as tf
        m = tf.saved_model.load({path!r})
        texts = tf.constant({json.dumps(inputs)})
        beam = [t.decode() for t in m.signatures["translate"](texts=texts)["translations"].numpy()]
        greedy = [t.decode() for t in m.signatures["translate_greedy"](texts=texts)["translations"].numpy()]
        one = [t.decode() for t in m.signatures["serving_default"](texts=texts[:1])["translations"].numpy()]
        scalar = m.signatures["translate"](texts=texts[0])["translations"].numpy().decode()
        grid = m.signatures["translate"](texts=tf.reshape(texts[:4], (2, 2)))["translations"].numpy()
        empty = m.signatures["translate"](texts=tf.constant([], tf.string))["translations"].numpy()
        invalid = m.signatures["translate"](texts=tf.constant([b"\\xff\\xfe"]))["translations"].numpy()
        grid = [[t.decode() for t in row] for row in grid]
        print(json.dumps([beam, greedy, one, scalar, grid, empty.shape[0], invalid[0].decode()]))
        """
    )
    beam, greedy, one, scalar, grid, empty, invalid = json.loads(out.strip().splitlines()[-1])
    assert beam == expected_beam and greedy == expected_greedy and one == expected_beam[:1]
    assert scalar == expected_beam[0] and grid == [expected_beam[:2], expected_beam[2:4]]
    assert empty == 0 and isinstance(invalid, str)
    cli = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    shown = subprocess.run([cli, "show", "--dir", path, "--all"], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "signature_def['translate']" in shown.stdout and "DT_STRING" in shown.stdout


def test_export_needs_tensorflow_backend(toy_translator, tmp_path, monkeypatch):
    model, _, _ = toy_translator
    monkeypatch.setattr(keras.config, "backend", lambda: "jax")
    with pytest.raises(RuntimeError, match="KERAS_BACKEND=tensorflow"):
        model.export(str(tmp_path / "x"))
