"""Train tiny applications on one device and under a distribution strategy,
in one process, and report how far the trained weights are apart (run as a
subprocess by tests/distribute_test.py: strategies must be set up before
TensorFlow starts).

    python -m tests.distribute_worker --strategy mirrored --logical-devices 2 --out result.json

Each application registers `make(strategy) -> (model, dataset)`: the model is
built and compiled inside the strategy's scope, the dataset yields the same
global batches whatever the strategy.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def make_translator(strategy):
    import keras

    from tests.applications.conftest import toy_pairs
    from zoo.applications import Translator

    sources, targets = toy_pairs(64)
    sv, tv = Translator.build_vocabularies(sources, targets, min_count=1)
    with strategy.scope():
        model = Translator(
            sv, tv, embedding_dim=8, encoder_units=8, decoder_units=8, attention_units=8, dropout=0.0
        )
        model.compile(optimizer=keras.optimizers.SGD(0.5), label_smoothing=0.1)
    return model, model.prepare(sources, targets, batch_size=16, shuffle=False)


def make_text_classifier(strategy):
    import keras

    from tests.applications.text_classifier_test import sample, small_classifier

    texts, labels = sample()
    with strategy.scope():
        model = small_classifier(texts, embedding_dim=8, units=8)
        model.compile(optimizer=keras.optimizers.SGD(0.5), metrics=[])
    return model, model.prepare(texts, labels, batch_size=16, shuffle=False)


CHAR_LM_TEXT = (
    "Stateful training carries each stream's state from one window to the next; "
    "split across replicas, every replica must carry the state of its own rows. "
) * 3


def make_char_lm(strategy):
    import keras

    from zoo.applications import CharLM

    with strategy.scope():
        # 4 streams, 2 a replica; windows of 12 characters: 9 steps an epoch,
        # each starting from the state the previous window left.
        model = CharLM(
            CharLM.build_vocabulary(CHAR_LM_TEXT),
            embedding_dim=8,
            units=8,
            layers=2,
            dropout=0.0,
            batch_size=4,
        )
        model.compile(optimizer=keras.optimizers.SGD(0.5), metrics=[])
    return model, model.prepare(CHAR_LM_TEXT, seq_length=12)


APPS = {"translator": make_translator, "text_classifier": make_text_classifier, "char_lm": make_char_lm}


def train(app, strategy, epochs):
    import keras

    keras.utils.set_random_seed(0)
    model, dataset = APPS[app](strategy)
    history = model.fit(dataset, epochs=epochs, verbose=0)
    # Trained weights only: CharLM's carried state is per replica (rows / replicas each).
    weights = [keras.ops.convert_to_numpy(w) for w in model.trainable_weights]
    return weights, history.history["loss"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--apps", default=",".join(APPS))
    p.add_argument("--strategy", required=True, choices=["mirrored", "multiworker", "data_parallel"])
    p.add_argument("--logical-devices", type=int, default=0, help="split the CPU into N logical devices")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    import keras
    import numpy as np

    if args.logical_devices and keras.config.backend() == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * args.logical_devices
        )
    from zoo import distribute

    # Multi-worker collectives must be configured before any other op runs.
    strategy = distribute.get_strategy(args.strategy) if args.strategy == "multiworker" else None
    results = {}
    for app in args.apps.split(","):
        keras.distribution.set_distribution(None)
        single_weights, single_loss = train(app, distribute.get_strategy("none"), args.epochs)
        weights, loss = train(app, strategy or distribute.get_strategy(args.strategy), args.epochs)
        results[app] = {
            "max_weight_difference": max(
                float(np.max(np.abs(a - b))) for a, b in zip(single_weights, weights)
            ),
            "single_loss": single_loss,
            "loss": loss,
            "replicas": (strategy or distribute.get_strategy(args.strategy)).num_replicas_in_sync,
        }
    with open(args.out, "w") as f:
        json.dump(results, f)
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
