"""NumPy references of the cell equations, written from the papers'
equations independently of the zoo code, and a loop to run them."""

import keras
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def run(step, x, states):
    """Run `step(x_t, states) -> (y_t, states)` over x (batch, time, f)."""
    outputs = []
    for t in range(x.shape[1]):
        y, states = step(x[:, t].astype("float64"), states)
        outputs.append(y)
    return np.stack(outputs, 1), states


def weights(layer):
    return {w.name: np.asarray(keras.ops.convert_to_numpy(w), "float64") for w in layer.weights}


def randomize(layer, seed=0, scale=0.5):
    """Give every weight non-trivial random values (biases and gains too)."""
    rng = np.random.default_rng(seed)
    layer.set_weights([(scale * rng.standard_normal(w.shape)).astype("float32") for w in layer.get_weights()])
