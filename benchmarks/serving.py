"""Serving throughput of exported SavedModels: requests per second at batch 1
and batch 32, calling the signature as TF Serving would (tf.saved_model.load,
the signature function, no zoo code in the call path).

    python benchmarks/serving.py --apps translator --seconds 20

For each application the shipped preset is exported into a temporary folder
first (or pass --savedmodel DIR for one application). Prints a Markdown table.
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
    import tensorflow as tf

    if savedmodel is None:
        from zoo.applications import Translator

        savedmodel = os.path.join(tempfile.mkdtemp(), "translator")
        Translator.from_preset("translator_multi30k_en_de").export(savedmodel)
    signature = tf.saved_model.load(savedmodel).signatures["translate"]

    def request(batch):
        texts = tf.constant([TRANSLATOR_INPUTS[i % len(TRANSLATOR_INPUTS)] for i in range(batch)])
        return signature(texts=texts)

    return request, "sentences"


APPS = {"translator": translator}


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
        request, unit = APPS[app](args.savedmodel)
        for batch in (int(b) for b in args.batches.split(",")):
            rps, latency = measure(request, batch, args.seconds)
            print(
                f"| {app} | default | {batch} | {rps:.2f} | {rps * batch:.1f} {unit} | {latency * 1e3:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
