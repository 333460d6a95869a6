import json
import os
import shutil
import subprocess
import sys

import keras
import pytest

from zoo import testing
from zoo.applications import CharLM

TEXT = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n" * 30


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="SavedModel export needs TensorFlow")
def test_export(tmp_path):
    keras.utils.set_random_seed(0)
    model = CharLM(
        CharLM.build_vocabulary(TEXT), embedding_dim=8, units=16, layers=2, batch_size=4, dropout=0.0
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    model.fit(TEXT, seq_length=30, epochs=2, verbose=0)
    path = str(tmp_path / "exported")
    model.export(path)
    expected = {
        "sampled": model.generate("To be", 60, temperature=0.8, seed=5),
        "greedy": model.generate("T", 40, temperature=0.0),
        "filtered": model.generate("the ", 50, top_k=3, top_p=0.9, seed=2),
    }
    out = testing.run_without_zoo(
        f"""
        import json, tensorflow as tf
        m = tf.saved_model.load({path!r})
        def run(name, **kw):
            return m.signatures[name](**kw)["text"].numpy().decode()
        print(json.dumps({{
            "sampled": run("generate", prime=tf.constant("To be"), length=tf.constant(60),
                           temperature=tf.constant(0.8), seed=tf.constant(5)),
            "greedy": run("serving_default", prime=tf.constant("T"), length=tf.constant(40),
                          temperature=tf.constant(0.0), seed=tf.constant(0)),
            "filtered": run("generate_filtered", prime=tf.constant("the "), length=tf.constant(50),
                            temperature=tf.constant(1.0), top_k=tf.constant(3), top_p=tf.constant(0.9),
                            seed=tf.constant(2)),
            "unseen": run("generate", prime=tf.constant("Ωx"), length=tf.constant(5),
                          temperature=tf.constant(1.0), seed=tf.constant(1)),
            "empty": run("generate", prime=tf.constant(""), length=tf.constant(3),
                         temperature=tf.constant(1.0), seed=tf.constant(1)),
            "zero": run("generate", prime=tf.constant("T"), length=tf.constant(0),
                        temperature=tf.constant(1.0), seed=tf.constant(1)),
            "vector_of_one": run("generate", prime=tf.constant(["To be"]), length=tf.constant([60]),
                                 temperature=tf.constant([0.8]), seed=tf.constant([5])),
        }}))
        errors = []
        for name, value in (("prime", tf.constant(["a", "b"])), ("length", tf.constant([3, 4]))):
            kw = dict(prime=tf.constant("T"), length=tf.constant(3), temperature=tf.constant(1.0),
                      seed=tf.constant(0))
            kw[name] = value
            try:
                run("generate", **kw)
            except tf.errors.InvalidArgumentError as e:
                errors.append(name if f"`{{name}}` must be a single value" in str(e) else str(e))
        print(json.dumps(errors))
        """
    )
    got, errors = (json.loads(line) for line in out.strip().splitlines()[-2:])
    for key, value in expected.items():
        assert got[key] == value, key
    assert got["vector_of_one"] == expected["sampled"]
    assert errors == ["prime", "length"]  # a batch of primes is refused, not read as its first
    assert len(got["unseen"]) == 5 and len(got["empty"]) == 3 and got["zero"] == ""
    cli = shutil.which("saved_model_cli") or os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    shown = subprocess.run([cli, "show", "--dir", path, "--all"], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert "signature_def['generate']" in shown.stdout and "DT_STRING" in shown.stdout


def test_export_needs_tensorflow_backend(tmp_path, monkeypatch):
    model = CharLM(CharLM.build_vocabulary(TEXT), embedding_dim=4, units=4, layers=1, batch_size=2)
    monkeypatch.setattr(keras.config, "backend", lambda: "jax")
    with pytest.raises(RuntimeError, match="KERAS_BACKEND=tensorflow"):
        model.export(str(tmp_path / "x"))
