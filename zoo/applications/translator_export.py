"""SavedModel export of a `Translator`: strings in, strings out, with the
whole decode loop inside. Core TensorFlow ops only, so stock TF Serving runs
it. The `texts` input may have any shape (a scalar, a batch, empty); the
translations come back in the same shape."""

from zoo import presets
from zoo.applications import translator_preprocessor as tp


def export_translator(model, path, sampler="beam", beam_size=4, length_penalty=0.6):
    presets.require_tensorflow("Translator")
    import tensorflow as tf

    source_table = tp.tf_lookup_table(model.source_vocabulary)
    target_tokens = tf.constant(model.target_vocabulary)

    def make(sampler_name):
        def decode(texts):  # (batch,) -> (batch,)
            tokens = tp.tf_tokenize(texts)[:, : model.max_source_length - 1]
            ids = tf.cast(source_table.lookup(tokens), tf.int32)
            eos = tf.fill([tokens.nrows(), 1], tp.EOS_ID)
            ids = tf.concat([ids, tf.RaggedTensor.from_tensor(eos)], axis=1).to_tensor(
                default_value=tp.PAD_ID
            )
            out = model.generate_ids(ids, sampler_name, beam_size, length_penalty)  # (batch, max_length)
            ended = tf.cumsum(tf.cast(tf.equal(out, tp.EOS_ID), tf.int32), axis=1) > 0
            words = tf.ragged.boolean_mask(tf.gather(target_tokens, out), tf.logical_not(ended))
            result = tp.tf_detokenize(words)
            return tf.where(tokens.row_lengths() == 0, tf.constant(""), result)

        def translate(texts):
            # Any shape in, the same shape out (a scalar, a batch, a grid);
            # an empty batch gives an empty batch; invalid UTF-8 bytes become
            # U+FFFD (then <unk>) rather than failing the tokenizer.
            flat = tf.reshape(texts, [-1])
            flat = tf.strings.unicode_transcode(flat, "UTF-8", "UTF-8", errors="replace")
            result = tf.cond(tf.size(flat) > 0, lambda: decode(flat), lambda: tf.zeros([0], tf.string))
            return {"translations": tf.reshape(result, tf.shape(texts))}

        return tf.function(translate, input_signature=[tf.TensorSpec(None, tf.string, name="texts")])

    module = tf.Module()
    module.model_variables = list(model.variables)
    module.source_table = source_table
    module.translate = make(sampler)
    module.translate_greedy = make("greedy")
    signatures = {
        "serving_default": module.translate.get_concrete_function(),
        "translate": module.translate.get_concrete_function(),
        "translate_greedy": module.translate_greedy.get_concrete_function(),
    }
    with presets.atomic_folder(path) as tmp:
        tf.saved_model.save(module, tmp, signatures=signatures)
    return path
