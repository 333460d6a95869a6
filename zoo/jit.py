"""Compile an inference function with XLA on the current backend.

The one place where zoo picks a compiler by backend: layers and models stay
backend-free, and the applications call `compile_function` for their decode
loops.
"""

import keras


def compile_function(fn, jit_compile=True, variables=None):
    """`fn` compiled for the current backend: `tf.function` (with XLA when
    `jit_compile`) on TensorFlow, `jax.jit` on JAX, `fn` itself otherwise.

    `variables`: the Keras variables `fn` reads (e.g. `model.variables`). On
    TensorFlow the compiled function reads them at each call anyway; on JAX
    `jax.jit` would bake their values in at the first trace, so that a model
    trained further would keep decoding with its old weights. With
    `variables` given, their current values are passed in at every call
    (through a `keras.StatelessScope`) and the result always uses the
    weights of the moment.
    """
    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=jit_compile, reduce_retracing=True)
    if backend == "jax" and jit_compile:
        import jax

        if variables is None:
            return jax.jit(fn)
        variables = list(variables)

        def stateless(values, *args, **kwargs):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return fn(*args, **kwargs)

        jitted = jax.jit(stateless)

        def call(*args, **kwargs):
            return jitted([v.value for v in variables], *args, **kwargs)

        return call
    return fn
