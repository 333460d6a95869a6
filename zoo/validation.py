"""Argument checks shared by the public constructors and loaders.

Each check raises a `ValueError` or `TypeError` that names the argument and the
value received, and returns the normalized value.
"""

import numbers

import numpy as np


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"`{name}` must be a positive integer; received {name}={value!r}.")
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer; received {name}={value!r}.")
    return int(value)


def optional_positive_int(name, value):
    return None if value is None else positive_int(name, value)


def number(name, value):
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"`{name}` must be a number; received {name}={value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite; received {name}={value!r}.")
    return value


def positive(name, value):
    value = number(name, value)
    if value <= 0:
        raise ValueError(f"`{name}` must be > 0; received {name}={value!r}.")
    return value


def rate(name, value):
    """A probability in [0, 1)."""
    value = number(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1); received {name}={value!r}.")
    return value


def unit_interval(name, value, low_open=True):
    """A number in (0, 1] (or [0, 1] with `low_open=False`)."""
    value = number(name, value)
    ok = (0.0 < value <= 1.0) if low_open else (0.0 <= value <= 1.0)
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ValueError(f"`{name}` must be in {interval}; received {name}={value!r}.")
    return value


def one_of(name, value, choices):
    try:
        known = value in choices
    except TypeError:  # unhashable values (lists, dicts) are never a choice
        known = False
    if not known:
        raise ValueError(f"`{name}` must be one of {sorted(choices)}; received {name}={value!r}.")
    return value


def memory_limit():
    """Bytes a model may take to train: `ZOO_MEMORY_LIMIT` when set, else
    this machine's physical memory."""
    import os

    limit = os.environ.get("ZOO_MEMORY_LIMIT")
    if limit:
        return int(float(limit))
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: no check
        return float("inf")


def fits_in_memory(owner, parameters, arguments):
    """Raise a ValueError naming the size arguments when a model of about
    `parameters` weights cannot train in `memory_limit()` bytes (float32
    weights, gradients and two Adam moments: 16 bytes a weight), instead of
    letting the operating system kill the process half-way through building
    it. `arguments` maps the size arguments to the values received."""
    need = 16 * int(parameters)
    limit = memory_limit()
    if need > limit:
        received = ", ".join(f"{k}={val!r}" for k, val in arguments.items())
        raise ValueError(
            f"{owner} with {received} would have about {int(parameters):,} weights, "
            f"{need / 2**30:.1f} GiB to train, more than the {limit / 2**30:.1f} GiB of memory "
            "available (set ZOO_MEMORY_LIMIT in bytes to change the limit)."
        )
