"""`zoo demo`: run what zoo ships on embedded inputs and write the results.

Until the applications land, the demo shows the cell library: an echo state
network forecasting the Mackey-Glass series with a closed-form readout, and
every cell's hidden-state trajectories on the same input.
"""

import json
import os
import time

import keras
import numpy as np

from zoo import layers
from zoo.data import mackey_glass


def _cells(units):
    return {
        "SimpleRNN": layers.SimpleRNNCell(units),
        "IRNN": layers.SimpleRNNCell(units, activation="relu", recurrent_initializer="identity"),
        "Jordan": layers.JordanCell(units, output_units=units),
        "LSTM": layers.LSTMCell(units),
        "LSTM (peepholes, layer norm)": layers.LSTMCell(units, use_peepholes=True, layer_norm=True),
        "GRU": layers.GRUCell(units),
        "Leaky (multi-timescale)": layers.LeakyCell(units, leak_rate=np.geomspace(1.0, 0.02, units)),
        "EchoState": layers.EchoStateCell(units, spectral_radius=0.95, connectivity=0.5, seed=0),
        "IMG (reconstruction)": layers.IMGCell(units),
        "PMU (reconstruction)": layers.PMUCell(units),
    }


def echo_state_forecast(out_dir, units=400, train_length=2000, horizon=84, seed=0):
    """Teacher-forced ESN on Mackey-Glass (tau=17), then free-running for
    `horizon` steps; returns the metrics and writes a figure."""
    series = mackey_glass(train_length + horizon + 1, seed=seed)
    signal = np.tanh(series - 1.0)  # centred, in (-1, 1)
    inputs = signal[:-1].reshape(1, -1, 1).astype("float32")
    targets = signal[1:].reshape(1, -1, 1)
    esn = layers.EchoState(
        units,
        spectral_radius=0.95,
        connectivity=0.05,
        leak_rate=0.9,
        input_scaling=0.5,
        bias_scaling=0.2,
        seed=seed,
        return_sequences=True,
        return_state=True,
    )
    states, last = esn(inputs[:, :train_length])
    readout = layers.fit_ridge_readout(states, targets[:, :train_length], ridge=1e-8, washout=100)
    # Free run: feed predictions back.
    cell = esn.cell
    h = last
    y = keras.ops.convert_to_tensor(targets[:, train_length - 1])
    predictions = []
    for _ in range(horizon):
        _, (h,) = cell(y, [h])
        y = readout(h)
        predictions.append(float(keras.ops.convert_to_numpy(y)[0, 0]))
    truth = targets[0, train_length : train_length + horizon, 0]
    nrmse = float(np.sqrt(np.mean((np.array(predictions) - truth) ** 2)) / np.std(signal))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3))
    t = np.arange(train_length - 200, train_length + horizon)
    ax.plot(t, targets[0, t, 0], label="Mackey-Glass (tau=17)", color="black", lw=1)
    ax.plot(
        np.arange(train_length, train_length + horizon), predictions, label="ESN free run", color="tab:red"
    )
    ax.axvline(train_length, color="gray", ls=":")
    ax.set_xlabel("time step")
    ax.set_title(f"Echo state network, {units} units: NRMSE over {horizon} free-running steps = {nrmse:.2g}")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "echo_state_mackey_glass.png"), dpi=100)
    plt.close(fig)
    return {
        "units": units,
        "spectral_radius": esn.cell.spectral_radius,
        "effective_spectral_radius": esn.cell.effective_spectral_radius(),
        "horizon": horizon,
        "nrmse": nrmse,
    }


def cell_gallery(out_dir, units=8, length=120, seed=0):
    """Every cell on the same input: trajectories of the first units, the
    parameter count and the forward time of a (32, 100, 64) batch."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    t = np.arange(length)
    x = np.stack([np.sin(t / 6.0), (rng.random(length) < 0.05).astype(float)], -1)[None].astype("float32")
    keras.utils.set_random_seed(seed)
    cells = _cells(units)
    fig, axes = plt.subplots(len(cells), 1, figsize=(8, 1.6 * len(cells)), sharex=True)
    report = {}
    bench = np.random.default_rng(1).standard_normal((32, 100, 64)).astype("float32")
    for ax, (name, cell) in zip(axes, cells.items()):
        layer = layers.RNN(cell, return_sequences=True)
        h = keras.ops.convert_to_numpy(layer(x))[0]
        ax.plot(h[:, :4], lw=1)
        ax.set_ylabel(name, rotation=0, ha="right", fontsize=8)
        timed = layers.RNN(type(cell).from_config(cell.get_config()))
        timed(bench)
        start = time.perf_counter()
        keras.ops.convert_to_numpy(timed(bench))
        report[name] = {
            "parameters_for_2_inputs": int(layer.count_params()),
            "forward_ms_32x100x64": round(1000 * (time.perf_counter() - start), 2),
            "final_state_abs_mean": float(np.abs(h[-1]).mean()),
        }
    axes[-1].set_xlabel("time step (input: a sine wave and sparse spikes)")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "cells.png"), dpi=90)
    plt.close(fig)
    return report


TRANSLATOR_EXAMPLES = [
    "A man is riding a bike.",
    "Two young children are playing in the sand on the beach.",
    "A woman in a red jacket is walking her dog in the park.",
    "A group of people are standing in front of a building.",
]


def translator_demo(out_dir):
    """The shipped translator on embedded sentences: translations and an
    attention plot."""
    from zoo.applications import Translator

    translator = Translator.from_preset("translator_multi30k_en_de")
    beam = translator.translate(TRANSLATOR_EXAMPLES, sampler="beam")
    greedy = translator.translate(TRANSLATOR_EXAMPLES)
    ax = translator.plot_attention(TRANSLATOR_EXAMPLES[1])
    ax.figure.savefig(os.path.join(out_dir, "translator_attention.png"), dpi=100)
    with open(os.path.join(out_dir, "translations.txt"), "w", encoding="utf-8") as f:
        for source, b in zip(TRANSLATOR_EXAMPLES, beam):
            f.write(f"{source}\t{b}\n")
    return [{"source": s, "beam": b, "greedy": g} for s, b, g in zip(TRANSLATOR_EXAMPLES, beam, greedy)]


CLASSIFIER_EXAMPLES = [
    "a gorgeous, witty film",
    "a tedious mess that never finds its footing",
    "the performances are strong, but the script is thin",
    "one of the most moving films of the year",
]


def text_classifier_demo(out_dir):
    """The shipped polarity classifier on embedded sentences."""
    from zoo.applications import TextClassifier

    classifier = TextClassifier.from_preset("text_classifier_polarity")
    return [
        {"text": text, "label": result.label, "probabilities": result.probabilities}
        for text, result in zip(CLASSIFIER_EXAMPLES, classifier.classify(CLASSIFIER_EXAMPLES))
    ]


def run(out_dir="zoo_demo", log=print):
    """Run the demo; returns the summary written to `out_dir/summary.json`."""
    os.makedirs(out_dir, exist_ok=True)
    log(f"zoo demo: writing to {os.path.abspath(out_dir)}")
    summary = {}
    log("  echo state network forecasting Mackey-Glass ...")
    summary["echo_state_mackey_glass"] = echo_state_forecast(out_dir)
    log(f"    NRMSE over 84 free-running steps: {summary['echo_state_mackey_glass']['nrmse']:.3g}")
    log("  every cell on one input ...")
    summary["cells"] = cell_gallery(out_dir)
    for name, row in summary["cells"].items():
        log(f"    {name:30s} {row['parameters_for_2_inputs']:6d} params")
    from zoo import presets

    if "translator_multi30k_en_de" in presets.shipped():
        log("  translator (translator_multi30k_en_de) ...")
        summary["translator"] = translator_demo(out_dir)
        for row in summary["translator"]:
            log(f"    {row['source']}  ->  {row['beam']}")
    if "text_classifier_polarity" in presets.shipped():
        log("  text classifier (text_classifier_polarity) ...")
        summary["text_classifier"] = text_classifier_demo(out_dir)
        for row in summary["text_classifier"]:
            log(f"    {row['label']:8s} {row['probabilities'][row['label']]:.2f}  {row['text']}")
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    log(f"  wrote summary.json, echo_state_mackey_glass.png, cells.png in {out_dir}")
    return summary
