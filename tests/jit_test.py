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
