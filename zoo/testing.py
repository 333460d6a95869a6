"""The shared test harness of zoo, on the public API.

Used by zoo's own tests and meant for anyone who writes a cell or an
application on top of zoo:

- `run_layer_test`: shapes, `get_config` round trip, `.keras` save/load,
  and one jit-compiled training step.
- `assert_same_outputs_and_gradients`: parity of two layers (outputs, final
  states and gradients) on the same inputs and weights.
- `gradients`: gradients of a scalar function of a layer's outputs with
  respect to the inputs and the trainable weights, on TensorFlow and JAX.
- `run_without_zoo`: run Python code in a fresh process where `zoo` cannot be
  imported (for exported SavedModels).
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap

import keras
import numpy as np


def random_inputs(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _to_numpy(xs):
    return [np.asarray(keras.ops.convert_to_numpy(x)) for x in _as_list(xs)]


def assert_allclose(actual, expected, atol=1e-5, rtol=1e-5, what="values"):
    actual, expected = _to_numpy(actual), _to_numpy(expected)
    if len(actual) != len(expected):
        raise AssertionError(f"{what}: {len(actual)} tensors against {len(expected)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        np.testing.assert_allclose(a, e, atol=atol, rtol=rtol, err_msg=f"{what}[{i}]")


def gradients(layer, inputs, call_kwargs=None, seed=1):
    """Gradients of `sum(w * outputs)` (fixed random w) with respect to the
    inputs and to every trainable weight of `layer`.

    Returns:
        (outputs, input_gradient, weight_gradients) as NumPy arrays, weight
        gradients in the order of `layer.trainable_weights`.
    """
    call_kwargs = call_kwargs or {}
    backend = keras.config.backend()
    x = np.asarray(inputs)
    outputs = layer(x, **call_kwargs)
    rng = np.random.default_rng(seed)
    probes = [rng.standard_normal(tuple(o.shape)).astype("float32") for o in _as_list(outputs)]

    def loss_of(outs):
        return sum(keras.ops.sum(o * p) for o, p in zip(_as_list(outs), probes))

    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            outs = layer(xt, **call_kwargs)
            loss = loss_of(outs)
        grads = tape.gradient(loss, [xt] + [w.value for w in layer.trainable_weights])
        return _to_numpy(outs), np.asarray(grads[0]), [np.asarray(g) for g in grads[1:]]
    if backend == "jax":
        import jax

        trainable = [w.value for w in layer.trainable_variables]
        non_trainable = [w.value for w in layer.non_trainable_variables]

        def f(xv, tv):
            outs, _ = layer.stateless_call(tv, non_trainable, xv, **call_kwargs)
            return loss_of(outs), outs

        (_, outs), (gx, gw) = jax.value_and_grad(f, argnums=(0, 1), has_aux=True)(x, trainable)
        return _to_numpy(outs), np.asarray(gx), [np.asarray(g) for g in gw]
    raise NotImplementedError(f"gradients() supports the tensorflow and jax backends, not {backend}")


def assert_same_outputs_and_gradients(layer, reference, inputs, call_kwargs=None, atol=1e-5):
    """Check `layer` and `reference` (already built, same weights) agree on
    outputs, final states and all gradients."""
    out_a, gx_a, gw_a = gradients(layer, inputs, call_kwargs)
    out_b, gx_b, gw_b = gradients(reference, inputs, call_kwargs)
    assert_allclose(out_a, out_b, atol=atol, what="outputs")
    assert_allclose(gx_a, gx_b, atol=atol, what="input gradient")
    assert_allclose(gw_a, gw_b, atol=atol, what="weight gradients")


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_shape,
    expected_output_shape,
    tmp_dir=None,
    fit=True,
    jit_compile=True,
):
    """The standard checks of a sequence layer.

    - the output shape (a tuple, or a list of tuples with `return_state`);
    - `get_config` round trip: same config, same outputs with the same
      weights;
    - `.keras` save/load of a model holding the layer: same outputs;
    - one `fit` step with `jit_compile` (when `fit`) that changes the
      trainable weights and gives a finite loss.
    """
    x = random_inputs(input_shape)
    layer = layer_cls(**init_kwargs)
    outputs = layer(x)
    shapes = [tuple(o.shape) for o in _as_list(outputs)]
    expected = expected_output_shape if isinstance(expected_output_shape, list) else [expected_output_shape]
    if shapes != [tuple(s) for s in expected]:
        raise AssertionError(f"output shapes {shapes}, expected {expected}")

    config = layer.get_config()
    json.dumps(config)  # the config must be plain JSON
    clone = layer_cls.from_config(config)
    clone(x)
    clone.set_weights(layer.get_weights())
    if clone.get_config() != config:
        raise AssertionError(f"config round trip differs:\n{config}\n{clone.get_config()}")
    assert_allclose(clone(x), outputs, what="outputs after from_config")

    inputs = keras.Input(batch_shape=input_shape)
    model = keras.Model(inputs, layer(inputs))
    with tempfile.TemporaryDirectory(dir=tmp_dir) as d:
        path = os.path.join(d, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    assert_allclose(loaded(x), model(x), what="outputs after .keras load")

    if fit and layer.trainable_weights:
        first = _as_list(outputs)[0]
        y = np.zeros(tuple(first.shape), "float32")
        train_model = keras.Model(inputs, _as_list(model.outputs)[0])
        train_model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=jit_compile)
        before = [np.array(w) for w in train_model.get_weights()]
        history = train_model.fit(x, y + 1.0, batch_size=input_shape[0], epochs=1, verbose=0)
        loss = history.history["loss"][0]
        if not np.isfinite(loss):
            raise AssertionError(f"non-finite loss {loss}")
        after = train_model.get_weights()
        if all(np.array_equal(a, b) for a, b in zip(before, after)):
            raise AssertionError("one fit step changed no weight")
    return layer


_BLOCK_ZOO = """
import importlib.abc, sys
class _BlockZoo(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "zoo" or name.startswith("zoo."):
            raise ImportError("zoo is blocked in this process")
sys.meta_path.insert(0, _BlockZoo())
try:
    import zoo  # noqa
except ImportError:
    pass
else:
    raise SystemExit("zoo is importable; the test is void")
"""


def run_without_zoo(code, timeout=600):
    """Run `code` in a new Python process in which `zoo` cannot be imported.

    Returns the process's stdout; raises AssertionError with its stderr when
    it fails.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = ""
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run(
            [sys.executable, "-c", _BLOCK_ZOO + textwrap.dedent(code)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    if proc.returncode != 0:
        raise AssertionError(f"subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc.stdout


def assert_builtin_parity(zoo_cls, keras_cls, units=6, input_shape=(3, 7, 5), atol=1e-5, **kwargs):
    """Check a zoo layer against its Keras built-in (same constructor
    arguments, the zoo layer's weights copied over): outputs, final states and
    gradients, plain, with a mask, with `go_backwards`, and `stateful` over
    two consecutive batches."""
    x = random_inputs(input_shape)
    batch, time = input_shape[:2]
    lengths = np.random.default_rng(3).integers(1, time + 1, batch)
    lengths[0] = time
    mask = np.arange(time)[None, :] < lengths[:, None]
    cases = [
        ({"return_sequences": True, "return_state": True}, {}),
        ({"return_sequences": False, "return_state": True}, {}),
        ({"return_sequences": True, "return_state": True}, {"mask": mask}),
        ({"return_sequences": True, "go_backwards": True}, {}),
        ({"return_sequences": False, "go_backwards": True, "return_state": True}, {"mask": mask}),
    ]
    for layer_kwargs, call_kwargs in cases:
        ours = zoo_cls(units, **layer_kwargs, **kwargs)
        theirs = keras_cls(units, **layer_kwargs, **kwargs)
        ours(x, **call_kwargs)
        theirs(x, **call_kwargs)
        theirs.set_weights(ours.get_weights())
        try:
            assert_same_outputs_and_gradients(ours, theirs, x, call_kwargs, atol=atol)
        except AssertionError as e:
            raise AssertionError(f"{zoo_cls.__name__} {layer_kwargs} {list(call_kwargs)}: {e}") from None

    ours = zoo_cls(units, stateful=True, return_sequences=True, **kwargs)
    theirs = keras_cls(units, stateful=True, return_sequences=True, **kwargs)
    ours(x)
    theirs(x)
    ours.reset_state()
    theirs.set_weights(ours.get_weights())
    theirs.reset_state()
    for _ in range(2):
        assert_allclose(ours(x), theirs(x), atol=atol, what=f"stateful {zoo_cls.__name__}")
    ours.reset_state()
    theirs.reset_state()
    assert_allclose(ours(x), theirs(x), atol=atol, what=f"stateful {zoo_cls.__name__} after reset")
