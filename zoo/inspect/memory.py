"""Memory tasks as a benchmark of cells: how far back can each cell carry
information, measured against the loss of a predictor with no memory.

- The copy task (Hochreiter and Schmidhuber 1997; Arjovsky, Shah and Bengio
  2016): `copy_length` symbols, a blank delay, a go marker, then recall the
  symbols in order. The memoryless baseline predicts blanks, then guesses a
  symbol uniformly: cross-entropy copy_length * log(num_symbols) /
  (delay + 2 copy_length) nats per step.
- The adding problem (Hochreiter and Schmidhuber 1997; Le, Jaitly and Hinton
  2015): a sequence of (value, marker) pairs, two values marked, the target
  is their sum. Predicting the constant 1 gives the MSE Var(U1 + U2) =
  2 / 12 = 1/6 ~ 0.167.

The generators are those of `zoo.data` (`adding_problem`, `copy_problem`);
this module turns them into model-ready arrays, trains one small model per
cell and length with `fit`, and reports the final loss against the baseline.
"""

import math
import time

import keras
import numpy as np

from zoo import validation as v
from zoo.data.memory_tasks import adding_problem, copy_problem
from zoo.layers.rnn import GRU, IMG, LSTM, PMU, RNN, Leaky, RecurrentCell, SimpleRNN

TASKS = ("adding", "copy")
ADDING_BASELINE = 1.0 / 6.0

CELLS = {
    "simple_rnn": SimpleRNN,
    "lstm": LSTM,
    "gru": GRU,
    "img": IMG,
    "pmu": PMU,
    "leaky": Leaky,
}


def adding_baseline():
    """The MSE of always predicting 1.0 on the adding problem: the variance
    of a sum of two independent uniforms, 2 / 12 = 1/6.

    Returns:
        1/6.

    Reference:
        Hochreiter and Schmidhuber, "Long short-term memory", 1997 (section
        5.4); Le, Jaitly and Hinton, arXiv:1504.00941, 2015.
    """
    return ADDING_BASELINE


def copy_baseline(delay, num_symbols=8, copy_length=10):
    """The mean cross-entropy per step (nats) of the memoryless strategy on
    the copy task: blanks with certainty, then a uniform guess among the
    symbols for the `copy_length` recalled steps.

    Args:
        delay: the number of blanks between the symbols and the go marker.
        num_symbols: the number of distinct symbols.
        copy_length: the number of symbols to copy.

    Returns:
        copy_length * log(num_symbols) / (delay + 2 copy_length).

    Reference:
        Arjovsky, Shah and Bengio, "Unitary evolution recurrent neural
        networks", ICML 2016 (section 4.1: 10 log 8 / (T + 20)).
    """
    delay = v.positive_int("delay", delay)
    num_symbols = v.positive_int("num_symbols", num_symbols)
    copy_length = v.positive_int("copy_length", copy_length)
    return copy_length * math.log(num_symbols) / (delay + 2 * copy_length)


def make_task(task, length, num_samples, seed=None, num_symbols=8, copy_length=10):
    """Model-ready arrays of a memory task and its chance-level loss.

    Args:
        task: "adding" or "copy".
        length: the adding problem's sequence length T (>= 2), or the copy
            task's delay (the sequences are then delay + 2 copy_length long).
        num_samples: the number of sequences.
        seed: integer seed.
        num_symbols, copy_length: the copy task's alphabet and span.

    Returns:
        (inputs, targets, baseline):
        adding: float32 (num_samples, T, 2) values and markers, float32
        (num_samples, 1) sums, baseline 1/6 (MSE).
        copy: float32 one-hot (num_samples, delay + 2 copy_length,
        num_symbols + 2) (0 blank, 1..num_symbols symbols, num_symbols + 1
        the go marker), int32 targets (num_samples, delay + 2 copy_length)
        in 0..num_symbols, baseline `copy_baseline(...)` (cross-entropy per
        step, nats).
    """
    task = v.one_of("task", task, TASKS)
    if task == "adding":
        inputs, targets = adding_problem(num_samples, length, seed=seed)
        return inputs, targets, adding_baseline()
    ids, targets = copy_problem(
        num_samples, length, num_symbols=num_symbols, copy_length=copy_length, seed=seed
    )
    inputs = np.eye(num_symbols + 2, dtype="float32")[ids]
    return inputs, targets, copy_baseline(length, num_symbols, copy_length)


def _cell_specs(cells):
    if isinstance(cells, dict):
        items = list(cells.items())
    elif isinstance(cells, (list, tuple)):
        items = [(c if isinstance(c, str) else getattr(c, "__name__", type(c).__name__), c) for c in cells]
    else:
        items = None
    if not items:
        raise TypeError(
            f"`cells` must be a non-empty list of cell names ({sorted(CELLS)}), classes or "
            f"factories, or a dict label -> one of those; received cells={cells!r}."
        )
    for label, spec in items:
        if isinstance(spec, str) and spec not in CELLS:
            raise ValueError(f"`cells` names must be among {sorted(CELLS)}; received {spec!r}.")
        if not (isinstance(spec, str) or callable(spec)):
            raise TypeError(
                f"`cells[{label!r}]` must be a name, a cell or layer class, or a callable units -> "
                f"cell or layer; received {spec!r}."
            )
    return items


def _sequence_layer(spec, units, return_sequences):
    spec = CELLS.get(spec, spec) if isinstance(spec, str) else spec
    made = spec(units)
    if isinstance(made, keras.layers.RNN):
        made.return_sequences = return_sequences
        return made
    wrapper = RNN if isinstance(made, RecurrentCell) else keras.layers.RNN
    return wrapper(made, return_sequences=return_sequences)


def _model(task, spec, units, input_shape, num_classes):
    inputs = keras.Input(input_shape)
    if task == "adding":
        outputs = keras.layers.Dense(1)(_sequence_layer(spec, units, False)(inputs))
    else:
        outputs = keras.layers.Dense(num_classes)(_sequence_layer(spec, units, True)(inputs))
    return keras.Model(inputs, outputs)


def compare_cells(
    task,
    cells,
    lengths,
    units=16,
    epochs=10,
    num_samples=2000,
    validation_samples=500,
    batch_size=32,
    learning_rate=0.01,
    num_symbols=8,
    copy_length=10,
    seed=0,
    jit_compile=None,
    verbose=0,
):
    """Train one small model per cell and length on a memory task with
    `fit`, and compare its held-out loss with the memoryless baseline.

    The model is input -> recurrent layer (`units`) -> Dense: the sum for
    the adding problem (MSE), per-step logits for the copy task (sparse
    cross-entropy), trained with Adam (gradient norm clipped to 1). Training
    data and the validation set come from different seeds. Each model is
    built after `keras.utils.set_random_seed(seed)`, so a call is
    reproducible on one backend and machine.

    Args:
        task: "adding" or "copy".
        cells: a list of cell names ("simple_rnn", "lstm", "gru", "img",
            "pmu", "leaky"), cell or sequence-layer classes (zoo or Keras),
            or callables units -> cell or layer; or a dict label -> one of
            those.
        lengths: the sequence lengths T (adding) or delays (copy).
        units: the state size of every cell.
        epochs, num_samples, batch_size, learning_rate: the training budget.
        validation_samples: the size of the held-out set the loss is
            measured on.
        num_symbols, copy_length: the copy task's alphabet and span.
        seed: seed of the data (training seed, validation seed + 1) and of
            the weights.
        jit_compile: passed to `compile`; None (default): True on JAX, where
            an uncompiled step runs op by op, False on the other backends
            (for models this small on a CPU, XLA compiles longer than it
            saves).
        verbose: passed to `fit`.

    Returns:
        A list of dicts, one per (cell, length): "task", "cell", "length",
        "units", "parameters", "train_loss" (last epoch), "loss"
        (held-out), "baseline", "ratio" (loss / baseline: below 1 means the
        cell remembers), "seconds" (training time).

    Example:

    >>> rows = compare_cells("adding", ["simple_rnn", "lstm"], lengths=[10, 50])
    >>> print(format_table(rows))

    Reference:
        Hochreiter and Schmidhuber, "Long short-term memory", Neural
        Computation 1997.
        Arjovsky, Shah and Bengio, "Unitary evolution recurrent neural
        networks", ICML 2016.
    """
    task = v.one_of("task", task, TASKS)
    specs = _cell_specs(cells)
    if isinstance(lengths, (int, np.integer)):
        lengths = [lengths]
    if not isinstance(lengths, (list, tuple)) or not lengths:
        raise TypeError(
            f"`lengths` must be a non-empty list of positive integers; received lengths={lengths!r}."
        )
    lengths = [v.positive_int("lengths", n) for n in lengths]
    units = v.positive_int("units", units)
    epochs = v.positive_int("epochs", epochs)
    num_samples = v.positive_int("num_samples", num_samples)
    validation_samples = v.positive_int("validation_samples", validation_samples)
    batch_size = v.positive_int("batch_size", batch_size)
    learning_rate = v.positive("learning_rate", learning_rate)
    if jit_compile is None:
        jit_compile = keras.config.backend() == "jax"
    options = {"num_symbols": num_symbols, "copy_length": copy_length}
    loss = "mse" if task == "adding" else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    rows = []
    for length in lengths:
        x, y, baseline = make_task(task, length, num_samples, seed=seed, **options)
        x_val, y_val, _ = make_task(task, length, validation_samples, seed=seed + 1, **options)
        for label, spec in specs:
            keras.utils.set_random_seed(seed)
            model = _model(task, spec, units, x.shape[1:], num_symbols + 1)
            model.compile(keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss, jit_compile=jit_compile)
            start = time.perf_counter()
            history = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, shuffle=True)
            seconds = time.perf_counter() - start
            held_out = float(model.evaluate(x_val, y_val, batch_size=max(batch_size, 250), verbose=0))
            rows.append(
                {
                    "task": task,
                    "cell": label,
                    "length": length,
                    "units": units,
                    "parameters": int(model.count_params()),
                    "train_loss": float(history.history["loss"][-1]),
                    "loss": held_out,
                    "baseline": float(baseline),
                    "ratio": held_out / baseline,
                    "seconds": seconds,
                }
            )
    return rows


_COLUMNS = (
    ("cell", "cell", "{}"),
    ("length", "length", "{}"),
    ("units", "units", "{}"),
    ("parameters", "parameters", "{:,}"),
    ("loss", "held-out loss", "{:.4f}"),
    ("baseline", "baseline", "{:.4f}"),
    ("ratio", "loss / baseline", "{:.3f}"),
    ("seconds", "train s", "{:.1f}"),
)


def format_table(rows):
    """A Markdown table of `compare_cells` rows (one line per cell and
    length, in the order given).

    Args:
        rows: the list of dicts `compare_cells` returns.

    Returns:
        The table as a string.
    """
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, dict) for r in rows):
        raise TypeError(f"`rows` must be a non-empty list of compare_cells rows; received rows={rows!r}.")
    missing = sorted({key for key, _, _ in _COLUMNS} - set(rows[0]))
    if missing:
        raise ValueError(f"`rows` lack the columns {missing}; received keys {sorted(rows[0])}.")
    lines = [
        "| " + " | ".join(title for _, title, _ in _COLUMNS) + " |",
        "|" + "|".join("---" if key == "cell" else "---:" for key, _, _ in _COLUMNS) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) for key, _, fmt in _COLUMNS) + " |")
    return "\n".join(lines)
