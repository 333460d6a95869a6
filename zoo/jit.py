"""Compile an inference function with XLA on the current backend.

The one place where zoo picks a compiler by backend: layers and models stay
backend-free, and the applications call `compile_function` for their decode
loops.
"""

import keras


def compile_function(fn, jit_compile=True):
    """`fn` compiled for the current backend: `tf.function` (with XLA when
    `jit_compile`) on TensorFlow, `jax.jit` on JAX, `fn` itself otherwise."""
    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=jit_compile, reduce_retracing=True)
    if backend == "jax" and jit_compile:
        import jax

        return jax.jit(fn)
    return fn
