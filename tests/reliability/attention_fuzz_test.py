"""Attention stays finite over a fuzzed range of inputs and parameters:
huge and tiny magnitudes, any mask (all-masked rows included), every score.

Weights are a distribution over the unmasked positions (zero elsewhere, all
zero for an all-masked row) and the context is a convex combination of the
memory rows, so it stays within their range."""

import os

import keras
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zoo import layers

FUZZ_EXAMPLES = int(os.environ.get("ZOO_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES or 30,
    derandomize=not FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ATTENTIONS = {
    "bahdanau": lambda: layers.BahdanauAttention(4),
    "bahdanau_normalized": lambda: layers.BahdanauAttention(4, normalize=True),
    "dot": lambda: layers.LuongAttention("dot"),
    "dot_scaled": lambda: layers.LuongAttention("dot", scale=True),
    "general": lambda: layers.LuongAttention("general"),
    "concat": lambda: layers.LuongAttention("concat", units=4, scale=True),
}
_BUILT = {}


def _attention(name):
    if name not in _BUILT:
        _BUILT[name] = ATTENTIONS[name]()
    return _BUILT[name]


@SETTINGS
@given(
    name=st.sampled_from(sorted(ATTENTIONS)),
    batch=st.integers(1, 3),
    time=st.integers(1, 6),
    log_scale=st.floats(-30, 30),
    weight_log_scale=st.floats(-3, 3),
    seed=st.integers(0, 2**16),
    mask_density=st.floats(0, 1),
)
def test_attention_is_finite(name, batch, time, log_scale, weight_log_scale, seed, mask_density):
    rng = np.random.default_rng(seed)
    query = (rng.standard_normal((batch, 3)) * 2.0**log_scale).astype("float32")
    memory = (rng.standard_normal((batch, time, 3)) * 2.0**log_scale).astype("float32")
    mask = rng.random((batch, time)) < mask_density
    attention = _attention(name)
    if not attention.built:
        attention(query, memory)
    for w in attention.weights:  # random weights over orders of magnitude
        w.assign(rng.standard_normal(w.shape).astype("float32") * 2.0**weight_log_scale)
    context, weights = attention(query, memory, memory_mask=mask)
    context = keras.ops.convert_to_numpy(context)
    weights = keras.ops.convert_to_numpy(weights)
    assert np.all(np.isfinite(weights)) and np.all(np.isfinite(context))
    assert np.all(weights[~mask] == 0.0)
    assert np.all(weights >= 0.0)
    sums = weights.sum(-1)
    np.testing.assert_allclose(sums[mask.any(-1)], 1.0, atol=1e-4)
    np.testing.assert_array_equal(sums[~mask.any(-1)], 0.0)
    low, high = memory.min(1), memory.max(1)
    slack = 1e-4 * np.abs(memory).max(1) + 1e-30
    has = mask.any(-1)
    assert np.all(context[has] >= low[has] - slack[has]) and np.all(context[has] <= high[has] + slack[has])
