"""Serving throughput of exported SavedModels: requests per second at batch 1
and batch 32, calling the signature as TF Serving would (tf.saved_model.load,
the signature function, no zoo code in the call path).

    python benchmarks/serving.py --apps translator,text_classifier,char_lm --seconds 20

For each application the shipped preset is exported into a temporary folder
first (or pass --savedmodel DIR for one application). CharLM has no shipped
preset yet: an untrained model of the recipe's configuration is exported
(generation speed does not depend on the weights). Prints a Markdown table.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TRANSLATOR_INPUTS = [
    "A man is riding a bike.",
    "Two young children are playing in the sand on the beach.",
    "A woman in a red jacket is walking her dog in the park.",
    "A group of people are standing in front of a building.",
    "A little girl in a pink dress is climbing a tree.",
    "Three men are playing soccer on a green field.",
    "An older man is reading a newspaper on a bench.",
    "A dog jumps over a fence to catch a ball.",
]


def translator(savedmodel):
    from zoo.applications import Translator

    signatures = _signatures(savedmodel, lambda: Translator.from_preset("translator_multi30k_en_de"))
    return {
        name: _texts_request(signatures[name], TRANSLATOR_INPUTS)
        for name in ("translate", "translate_greedy")
    }, "sentences"


CLASSIFIER_INPUTS = [
    "a gorgeous, witty, seductive movie.",
    "the story is too thin and the jokes fall flat.",
    "an engrossing portrait of a family in crisis, beautifully acted.",
    "it's a long, slow slog with nothing at the end of it.",
]


def text_classifier(savedmodel):
    from zoo.applications import TextClassifier

    signatures = _signatures(savedmodel, lambda: TextClassifier.from_preset("text_classifier_polarity"))
    return {"classify": _texts_request(signatures["classify"], CLASSIFIER_INPUTS)}, "texts"


CHAR_LM_LENGTH = 200


def char_lm(savedmodel):
    import keras
    import tensorflow as tf

    from zoo.applications import CharLM

    def untrained():
        keras.utils.set_random_seed(0)
        vocabulary = CharLM.build_vocabulary("".join(map(chr, range(32, 127))) + "\n")
        return CharLM(vocabulary, embedding_dim=64, units=512, layers=3, batch_size=1)

    generate = _signatures(savedmodel, untrained)["generate"]

    def request(batch):
        # One prime a request: the signature generates one text.
        for i in range(batch):
            generate(
                prime=tf.constant("ROMEO:"),
                length=tf.constant(CHAR_LM_LENGTH),
                temperature=tf.constant(0.8),
                seed=tf.constant(i),
            )

    return {f"generate ({CHAR_LM_LENGTH} chars)": request}, "texts"


def _signatures(savedmodel, make_model):
    """The signatures of `savedmodel`, or of `make_model()` exported to a
    temporary folder when it is None, loaded as TF Serving would."""
    import tensorflow as tf

    if savedmodel is None:
        savedmodel = os.path.join(tempfile.mkdtemp(), "savedmodel")
        make_model().export(savedmodel)
    return tf.saved_model.load(savedmodel).signatures


def _texts_request(signature, inputs):
    import tensorflow as tf

    def request(batch):
        return signature(texts=tf.constant([inputs[i % len(inputs)] for i in range(batch)]))

    return request


APPS = {"translator": translator, "text_classifier": text_classifier, "char_lm": char_lm}


def measure(request, batch, seconds):
    request(batch)  # the first call traces and warms up
    latencies = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(latencies) < 3:
        t = time.perf_counter()
        request(batch)
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, statistics.median(latencies)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--apps", default=",".join(APPS))
    p.add_argument("--savedmodel", default=None, help="an exported folder (one application only)")
    p.add_argument("--batches", default="1,32")
    p.add_argument("--seconds", type=float, default=20.0, help="time spent per batch size")
    args = p.parse_args()
    import tensorflow as tf

    print(f"# {platform.machine()}, {os.cpu_count()} cores, tensorflow {tf.__version__}")
    print("| application | signature | batch | requests/s | items/s | median latency (ms) |")
    print("|---|---|---|---|---|---|")
    for app in args.apps.split(","):
        requests, unit = APPS[app](args.savedmodel)
        for name, request in requests.items():
            for batch in (int(b) for b in args.batches.split(",")):
                if name.startswith("generate") and batch > 1:
                    continue  # one text a request: batch 32 is 32 requests
                rps, latency = measure(request, batch, args.seconds)
                print(
                    f"| {app} | {name} | {batch} | {rps:.2f} | {rps * batch:.1f} {unit} | "
                    f"{latency * 1e3:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
