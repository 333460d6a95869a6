"""Training-step and inference throughput of zoo cells against the Keras
built-ins, in one process, printed as ratios.

    python benchmarks/cpu_rnn.py --shapes 32,100,256 --cells LSTM,GRU

A training step is forward + backward + Adam update of one recurrent layer
(input size = hidden size) with `return_sequences=True` and an MSE loss, run
through `model.train_on_batch`; inference is `model.predict_on_batch`.
Tokens per second = batch * time / seconds per step (median of `--repeats`).
"""

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from zoo import layers  # noqa: E402

BUILTIN = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU, "SimpleRNN": keras.layers.SimpleRNN}


def _model(layer, t, h, jit):
    model = keras.Sequential([keras.Input((t, h)), layer])
    model.compile(keras.optimizers.Adam(1e-3), "mse", jit_compile=jit)
    return model


def _median_seconds(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def measure(layer_cls, b, t, h, jit, repeats):
    x = np.random.default_rng(0).standard_normal((b, t, h)).astype("float32")
    y = np.zeros((b, t, h), "float32")
    model = _model(layer_cls(h, return_sequences=True), t, h, jit)
    train = _median_seconds(lambda: model.train_on_batch(x, y), repeats)
    infer = _median_seconds(lambda: model.predict_on_batch(x), repeats)
    return b * t / train, b * t / infer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="32,100,256;64,256,512", help="B,T,H;B,T,H")
    parser.add_argument("--cells", default="LSTM,GRU,SimpleRNN,IMG,PMU")
    parser.add_argument("--jit", default="both", choices=["on", "off", "both"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import tensorflow as tf

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores; keras {keras.__version__}, "
        f"backend {keras.config.backend()}, tensorflow {tf.__version__}"
    )
    print(
        "| cell | B,T,H | jit | zoo train tok/s | anchor train tok/s | ratio | zoo infer tok/s | anchor infer tok/s | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    jits = {"on": [True], "off": [False], "both": [False, True]}[args.jit]
    for shape in args.shapes.split(";"):
        b, t, h = (int(s) for s in shape.split(","))
        for cell in args.cells.split(","):
            for jit in jits:
                ours = measure(getattr(layers, cell), b, t, h, jit, args.repeats)
                # IMG and PMU have no Keras twin: the anchor is keras.layers.GRU.
                anchor_cls = BUILTIN.get(cell, keras.layers.GRU)
                anchor = measure(anchor_cls, b, t, h, jit, args.repeats)
                name = cell if cell in BUILTIN else f"{cell} (vs keras GRU)"
                print(
                    f"| {name} | {b},{t},{h} | {'on' if jit else 'off'} | {ours[0]:,.0f} | {anchor[0]:,.0f} | "
                    f"{ours[0] / anchor[0]:.2f}x | {ours[1]:,.0f} | {anchor[1]:,.0f} | {ours[1] / anchor[1]:.2f}x |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
