"""Random sampling over a recurrent step function: temperature, top-k and
top-p (nucleus) filtering, with seeds threaded through the loop.

`random_search` drives the same `step_fn(tokens, state, constants) ->
(logits, state)` as `greedy_search`. The random draw of step t uses the
stateless seed (seed, offset + t), so a sample depends only on the seed and
the position: the same text comes out whether it is generated in one loop or
in chunks, and inside an exported SavedModel. Sampling is the Gumbel-max
trick, argmax(logits / temperature + g) with g ~ Gumbel(0, 1), which draws
exactly from softmax(logits / temperature); temperature 0 is the argmax.

Every argument may be a tensor (temperature, top_k, top_p, seed, offset,
even `max_length` outside XLA), so one compiled loop serves all settings.
"""

from keras import ops

NEG_INF = -1e9


def filter_logits(logits, top_k=0, top_p=1.0):
    """Logits (batch, vocab) with the tokens outside the top-k and outside
    the nucleus of probability mass `top_p` set to -1e9.

    Args:
        logits: float tensor (batch, vocab).
        top_k: keep the k most likely tokens (0: no top-k filter). Tokens
            tied with the k-th are kept too.
        top_p: keep the smallest set of most likely tokens whose
            probability reaches `top_p` (Holtzman et al. 2020); 1 keeps all.
            The most likely token is always kept.

    Reference:
        Fan, Lewis and Dauphin, "Hierarchical neural story generation", 2018
        (top-k); Holtzman et al., "The curious case of neural text
        degeneration", ICLR 2020 (top-p).
    """
    logits = ops.cast(logits, "float32")
    vocab = logits.shape[-1]
    ordered = ops.flip(ops.sort(logits, axis=-1), axis=-1)  # (batch, vocab), most likely first
    top_k = ops.cast(top_k, "int32")
    k = ops.where(top_k > 0, ops.minimum(top_k, vocab), vocab)
    kth = ops.take_along_axis(
        ordered, ops.reshape(k - 1, (1, 1)) * ops.ones_like(ordered[:, :1], "int32"), -1
    )
    probs = ops.softmax(ordered, axis=-1)
    before = ops.cumsum(probs, axis=-1) - probs  # mass of the tokens ranked above each one
    in_nucleus = ops.logical_or(before < ops.cast(top_p, "float32"), ops.arange(vocab) == 0)
    nucleus_min = ops.min(ops.where(in_nucleus, ordered, ops.max(ordered, axis=-1, keepdims=True)), -1)
    threshold = ops.maximum(kth, ops.expand_dims(nucleus_min, -1))  # (batch, 1)
    return ops.where(logits >= threshold, logits, NEG_INF)


def _hash(x):
    # "lowbias32" (C. Wellons), a 32-bit integer mixer; uint32 arithmetic
    # wraps the same way in NumPy, TensorFlow (with and without XLA) and JAX.
    def shift(x, n):
        return ops.right_shift(x, ops.convert_to_tensor(n, "uint32"))

    x = ops.bitwise_xor(x, shift(x, 16))
    x = ops.multiply(x, ops.convert_to_tensor(0x7FEB352D, "uint32"))
    x = ops.bitwise_xor(x, shift(x, 15))
    x = ops.multiply(x, ops.convert_to_tensor(0x846CA68B, "uint32"))
    return ops.bitwise_xor(x, shift(x, 16))


def stateless_uniform(shape, seed):
    """Uniform numbers in (0, 1) of a (batch, n) `shape`, a pure function of
    the (2,) integer `seed` tensor and the position.

    A counter-based hash in `keras.ops`, not the backends' generators:
    Keras's random functions take no seed tensors, and TensorFlow's
    stateless ops draw other numbers under XLA when the seed is computed in
    a loop (measured), while `generate` (compiled) and its SavedModel must
    draw the same. 24 random bits per number.
    """
    seed = ops.cast(seed, "uint32")
    rows = ops.expand_dims(ops.cast(ops.arange(shape[0]), "uint32"), 1)
    cols = ops.expand_dims(ops.cast(ops.arange(shape[1]), "uint32"), 0)
    key = _hash(ops.bitwise_xor(seed[1], _hash(seed[0] + ops.convert_to_tensor(0x9E3779B9, "uint32"))))
    h = _hash(ops.bitwise_xor(_hash(ops.bitwise_xor(rows, key)), cols))
    bits = ops.right_shift(h, ops.convert_to_tensor(8, "uint32"))
    return (ops.cast(bits, "float32") + 0.5) / float(2**24)


def sample_logits(logits, seed, temperature=1.0, top_k=0, top_p=1.0):
    """One token per row of `logits` (batch, vocab): int32 (batch,).

    `seed` is a (2,) integer tensor; `temperature` 0 (or below) picks the
    argmax of the filtered logits.
    """
    logits = filter_logits(logits, top_k, top_p)
    temperature = ops.cast(temperature, "float32")
    u = stateless_uniform(ops.shape(logits), seed)
    gumbel = -ops.log(-ops.log(ops.clip(u, 1e-20, 1.0 - 1e-7)))
    noisy = logits / ops.maximum(temperature, 1e-6) + gumbel
    sampled = ops.argmax(ops.where(logits > NEG_INF, noisy, NEG_INF), axis=-1)
    greedy = ops.argmax(logits, axis=-1)
    return ops.cast(ops.where(temperature > 0, sampled, greedy), "int32")


def random_search(
    step_fn,
    state,
    constants,
    start_ids,
    max_length,
    temperature=1.0,
    top_k=0,
    top_p=1.0,
    seed=0,
    offset=0,
    banned_ids=(),
    return_state=False,
):
    """Sample `max_length` tokens, one step at a time.

    Args:
        step_fn: `(tokens, state, constants) -> (logits, state)`.
        state, constants: as in `greedy_search`.
        start_ids: int tensor (batch,), the first input tokens.
        max_length: number of tokens to draw (an int, or a scalar tensor
            outside XLA).
        temperature, top_k, top_p: see `sample_logits` and `filter_logits`.
        seed: integer; step t draws with the seed (seed, offset + t).
        offset: position of the first step (to continue a sample in chunks).
        banned_ids: tokens never emitted (e.g. the unknown token).
        return_state: also return the state after the last step and the
            last token.

    Returns:
        int32 tensor (batch, max_length) [, state, last tokens].
    """
    batch = ops.shape(start_ids)[0]
    tokens = ops.zeros((batch, max_length), dtype="int32")
    positions = ops.arange(max_length, dtype="int32")
    seed = ops.cast(seed, "int32")
    offset = ops.cast(offset, "int32")

    def cond(t, prev, state, tokens):
        return t < max_length

    def body(t, prev, state, tokens):
        logits, state = step_fn(prev, state, constants)
        logits = _ban(ops.cast(logits, "float32"), banned_ids)
        nxt = sample_logits(logits, ops.stack([seed, offset + t]), temperature, top_k, top_p)
        tokens = ops.where(ops.expand_dims(positions == t, 0), ops.expand_dims(nxt, 1), tokens)
        return t + 1, nxt, state, tokens

    loop = (ops.convert_to_tensor(0, "int32"), ops.cast(start_ids, "int32"), state, tokens)
    _, last, state, tokens = ops.while_loop(cond, body, loop)
    if return_state:
        return tokens, state, last
    return tokens


def _ban(logits, banned_ids):
    if not banned_ids:
        return logits
    vocab = logits.shape[-1]
    banned = ops.sum(ops.one_hot(ops.convert_to_tensor(list(banned_ids), "int32"), vocab), axis=0) > 0
    return ops.where(banned, NEG_INF, logits)
