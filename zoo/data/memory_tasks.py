"""Synthetic memory tasks that probe how far back a recurrent net remembers."""

import numpy as np

from zoo import validation as v


def adding_problem(num_samples, length, seed=None):
    """The adding problem (Hochreiter and Schmidhuber 1997, as in Le et al.
    2015).

    Each input step holds a value drawn uniformly in [0, 1) and a marker; the
    marker is 1 at exactly two steps, one in each half of the sequence, and 0
    elsewhere. The target is the sum of the two marked values. Predicting the
    constant 1 gives a mean squared error of 1/6 = 0.167, the trivial
    baseline.

    Args:
        num_samples: number of sequences.
        length: sequence length T (>= 2).
        seed: integer seed.

    Returns:
        (inputs, targets): float32 arrays (num_samples, length, 2) and
        (num_samples, 1).
    """
    num_samples = v.positive_int("num_samples", num_samples)
    length = v.positive_int("length", length)
    if length < 2:
        raise ValueError(f"`length` must be >= 2; received length={length!r}.")
    rng = np.random.default_rng(seed)
    values = rng.random((num_samples, length))
    half = length // 2
    first = rng.integers(0, half, num_samples)
    second = rng.integers(half, length, num_samples)
    markers = np.zeros((num_samples, length))
    rows = np.arange(num_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    inputs = np.stack([values, markers], axis=-1).astype("float32")
    targets = (values[rows, first] + values[rows, second])[:, None].astype("float32")
    return inputs, targets


def copy_problem(num_samples, delay, num_symbols=8, copy_length=10, seed=None):
    """The copy (memory) task (Hochreiter and Schmidhuber 1997; Arjovsky et
    al. 2016).

    The input is `copy_length` random symbols from 1..num_symbols, then
    `delay` blanks (0), then a go marker (num_symbols + 1) and `copy_length - 1`
    blanks. The target is blank everywhere except the last `copy_length`
    steps, which must repeat the first symbols. Always predicting blank, then
    a uniform guess over the symbols, gives a cross-entropy of
    copy_length * log(num_symbols) / (delay + 2 copy_length), the baseline.

    Returns:
        (inputs, targets): int32 arrays (num_samples, delay + 2 copy_length).
    """
    num_samples = v.positive_int("num_samples", num_samples)
    delay = v.positive_int("delay", delay)
    num_symbols = v.positive_int("num_symbols", num_symbols)
    copy_length = v.positive_int("copy_length", copy_length)
    rng = np.random.default_rng(seed)
    length = delay + 2 * copy_length
    symbols = rng.integers(1, num_symbols + 1, (num_samples, copy_length))
    inputs = np.zeros((num_samples, length), "int32")
    targets = np.zeros((num_samples, length), "int32")
    inputs[:, :copy_length] = symbols
    inputs[:, copy_length + delay] = num_symbols + 1
    targets[:, -copy_length:] = symbols
    return inputs, targets
