import json

import keras
import numpy as np
import pytest

from tests.applications.text_classifier_test import LABELS, sample, small_classifier
from zoo import testing


@pytest.mark.skipif(keras.config.backend() != "tensorflow", reason="SavedModel export needs TensorFlow")
def test_export(tmp_path):
    texts, labels = sample()
    keras.utils.set_random_seed(0)
    model = small_classifier(texts)  # untrained: the export must match any weights
    path = str(tmp_path / "exported")
    model.export(path)
    inputs = texts[:3] + texts[-3:] + ["Völlig unbekannt ✓"]
    expected = model.predict_probabilities(inputs)
    out = testing.run_without_zoo(
        f"""
        import json, tensorflow as tf
        m = tf.saved_model.load({path!r})
        f = m.signatures["classify"]
        texts = tf.constant({json.dumps(inputs)})
        batch = f(texts=texts)
        scalar = f(texts=texts[0])
        grid = f(texts=tf.reshape(texts[:6], (2, 3)))
        empty = f(texts=tf.constant([], tf.string))
        invalid = m.signatures["serving_default"](texts=tf.constant([b"\\xff\\xfe", b""]))
        print(json.dumps([
            batch["probabilities"].numpy().tolist(),
            batch["label_ids"].numpy().tolist(),
            [s.decode() for s in batch["labels"].numpy()],
            [scalar["labels"].numpy().decode(), scalar["probabilities"].numpy().tolist()],
            [list(grid[k].shape) for k in ("labels", "label_ids", "probabilities")],
            [list(empty[k].shape) for k in ("labels", "probabilities")],
            invalid["probabilities"].numpy().shape[0],
        ]))
        """
    )
    probs, ids, names, scalar, grid, empty, invalid = json.loads(out.strip().splitlines()[-1])
    np.testing.assert_allclose(probs, expected, atol=1e-5)
    assert ids == np.argmax(expected, -1).tolist() and names == [LABELS[i] for i in ids]
    assert scalar[0] == names[0] and np.allclose(scalar[1], expected[0], atol=1e-5)
    assert grid == [[2, 3], [2, 3], [2, 3, 2]] and empty == [[0], [0, 2]] and invalid == 2


def test_export_needs_tensorflow_backend(tmp_path, monkeypatch):
    model = small_classifier(sample()[0])
    monkeypatch.setattr(keras.config, "backend", lambda: "jax")
    with pytest.raises(RuntimeError, match="KERAS_BACKEND=tensorflow"):
        model.export(str(tmp_path / "x"))
