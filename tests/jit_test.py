import keras
import numpy as np

from zoo.jit import compile_function


def test_compiled_function_gives_the_same_result():
    layer = keras.layers.Dense(3)
    x = np.ones((2, 4), "float32")
    eager = keras.ops.convert_to_numpy(layer(x))
    for jit in (True, False):
        fn = compile_function(lambda t: layer(t), jit_compile=jit)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(fn(x)), eager, atol=1e-6)


def _weights_follow():
    layer = keras.layers.Dense(3)
    x = np.ones((2, 4), "float32")
    layer(x)
    fn = compile_function(lambda t: layer(t), variables=layer.variables)
    first = keras.ops.convert_to_numpy(fn(x))
    layer.kernel.assign(layer.kernel * 2.0)
    layer.bias.assign(layer.bias + 1.0)
    second = keras.ops.convert_to_numpy(fn(x))
    np.testing.assert_allclose(second, keras.ops.convert_to_numpy(layer(x)), atol=1e-5)
    assert not np.allclose(first, second)


def test_compiled_function_follows_weight_updates():
    _weights_follow()


def test_compiled_function_follows_weight_updates_on_jax():
    """On JAX `jax.jit` would bake the weights in at the first trace."""
    import os
    import subprocess
    import sys

    code = "import tests.jit_test as t; t._weights_follow(); print('ok')"
    env = dict(os.environ, KERAS_BACKEND="jax")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-3000:]
