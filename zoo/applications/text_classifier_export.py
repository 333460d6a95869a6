"""SavedModel export of a `TextClassifier`: strings in, labels and
probabilities out, tokenization and vocabulary lookup inside (core
TensorFlow ops only, so stock TF Serving runs it). The `texts` input may have
any shape (a scalar, a batch, a grid, empty); the outputs have that shape
(`probabilities` one more axis, the labels). Invalid UTF-8 bytes become
U+FFFD. A text without tokens gets the probabilities of an empty sequence
(`classify` rejects it instead)."""

from zoo import presets
from zoo.applications import text_classifier_preprocessor as cp
from zoo.applications import translator_preprocessor as tp


def export_text_classifier(model, path):
    presets.require_tensorflow("TextClassifier")
    import tensorflow as tf

    table = tp.tf_lookup_table(model.vocabulary)
    label_names = tf.constant(model.labels)
    n_labels = len(model.labels)

    def probabilities(texts):  # (batch,) -> (batch, labels)
        tokens = cp.tf_tokenize(texts, model.level, model.lowercase)[:, : model.max_length]
        ids = tf.cast(table.lookup(tokens), tf.int32).to_tensor(default_value=tp.PAD_ID)
        # At least one step, for a batch of texts without tokens.
        ids = tf.pad(ids, [[0, 0], [0, tf.maximum(1 - tf.shape(ids)[1], 0)]], constant_values=tp.PAD_ID)
        return model.probabilities_of_ids(ids)

    def classify(texts):
        flat = tf.reshape(texts, [-1])
        flat = tf.strings.unicode_transcode(flat, "UTF-8", "UTF-8", errors="replace")
        probs = tf.cond(
            tf.size(flat) > 0, lambda: probabilities(flat), lambda: tf.zeros([0, n_labels], tf.float32)
        )
        ids = tf.argmax(probs, axis=-1, output_type=tf.int32)
        shape = tf.shape(texts)
        return {
            "label_ids": tf.reshape(ids, shape),
            "labels": tf.reshape(tf.gather(label_names, ids), shape),
            "probabilities": tf.reshape(probs, tf.concat([shape, [n_labels]], 0)),
        }

    module = tf.Module()
    module.model_variables = list(model.variables)
    module.table = table
    module.label_names = tf.Variable(label_names, trainable=False)
    module.classify = tf.function(classify, input_signature=[tf.TensorSpec(None, tf.string, name="texts")])
    concrete = module.classify.get_concrete_function()
    with presets.atomic_folder(path) as tmp:
        tf.saved_model.save(module, tmp, signatures={"serving_default": concrete, "classify": concrete})
    return path
