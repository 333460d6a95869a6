"""SavedModel export of a `CharLM`: a prime string in, the generated text
out, with the whole generation loop (prime read once, then one character per
step, seeded sampling) inside. Core TensorFlow ops only, so stock TF Serving
runs it and no zoo import is needed to load it."""

from zoo import presets


def export_char_lm(model, path):
    presets.require_tensorflow("CharLM")
    import tensorflow as tf

    chars = tf.constant(model.vocabulary[1:])
    table = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(chars, tf.range(1, len(model.vocabulary), dtype=tf.int32)),
        default_value=0,  # unseen characters read as U+FFFD
    )
    vocabulary = tf.constant(model.vocabulary)

    def one(value, name):
        # The specs take any shape: a loaded signature trusts its static
        # shapes, so a [2] tensor fed to a [] spec was silently misread
        # (measured: a batch of primes generated from the first one).
        check = tf.debugging.assert_equal(
            tf.size(value), 1, message=f"`{name}` must be a single value (generate makes one text a call)"
        )
        with tf.control_dependencies([check]):
            return tf.reshape(value, [])

    def run(prime, length, temperature, top_k, top_p, seed):
        prime, length, temperature = (
            one(prime, "prime"),
            one(length, "length"),
            one(temperature, "temperature"),
        )
        top_k, top_p, seed = one(top_k, "top_k"), one(top_p, "top_p"), one(seed, "seed")
        # Invalid UTF-8 bytes become U+FFFD rather than failing the split;
        # an empty prime reads as one U+FFFD (there is nothing to condition on).
        prime = tf.strings.unicode_transcode(prime, "UTF-8", "UTF-8", errors="replace")
        pieces = tf.strings.unicode_split(prime, "UTF-8")
        ids = table.lookup(pieces)
        ids = tf.cond(tf.size(ids) > 0, lambda: ids, lambda: tf.zeros([1], tf.int32))
        length = tf.maximum(length, 0)
        out = tf.cond(
            length > 0,
            lambda: model.generate_ids(
                ids[None, :],
                length,
                tf.maximum(temperature, 0.0),
                tf.maximum(tf.cast(top_k, tf.int32), 0),
                tf.clip_by_value(tf.cast(top_p, tf.float32), 1e-6, 1.0),
                seed,
            ),
            lambda: tf.zeros([1, 0], tf.int32),
        )
        return {"text": tf.strings.reduce_join(tf.gather(vocabulary, out[0]))}

    prime_spec = tf.TensorSpec(None, tf.string, name="prime")

    @tf.function(
        input_signature=[
            prime_spec,
            tf.TensorSpec(None, tf.int32, name="length"),
            tf.TensorSpec(None, tf.float32, name="temperature"),
            tf.TensorSpec(None, tf.int32, name="seed"),
        ]
    )
    def generate(prime, length, temperature, seed):
        return run(prime, length, temperature, 0, 1.0, seed)

    @tf.function(
        input_signature=[
            prime_spec,
            tf.TensorSpec(None, tf.int32, name="length"),
            tf.TensorSpec(None, tf.float32, name="temperature"),
            tf.TensorSpec(None, tf.int32, name="top_k"),
            tf.TensorSpec(None, tf.float32, name="top_p"),
            tf.TensorSpec(None, tf.int32, name="seed"),
        ]
    )
    def generate_filtered(prime, length, temperature, top_k, top_p, seed):
        return run(prime, length, temperature, top_k, top_p, seed)

    module = tf.Module()
    module.model_variables = list(model.variables)
    module.table = table
    module.generate = generate
    module.generate_filtered = generate_filtered
    signatures = {
        "serving_default": generate.get_concrete_function(),
        "generate": generate.get_concrete_function(),
        "generate_filtered": generate_filtered.get_concrete_function(),
    }
    with presets.atomic_folder(path) as tmp:
        tf.saved_model.save(module, tmp, signatures=signatures)
    return path
