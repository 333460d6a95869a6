"""Chaotic benchmark series."""

import numpy as np

from zoo import validation as v


def mackey_glass(
    length, tau=17, beta=0.2, gamma=0.1, n=10, x0=1.2, dt=0.1, subsample=10, washout=1000, seed=None
):
    """The Mackey-Glass delay differential equation (Mackey and Glass 1977),
    the benchmark of Jaeger and Haas (2004) with tau = 17:

        dx/dt = beta x(t - tau) / (1 + x(t - tau)^n) - gamma x(t)

    Integrated with 4th-order Runge-Kutta at step `dt` (the delayed term held
    at the grid value), sampled every `subsample` steps (one sample per time
    unit by default), after `washout` samples of transient.

    Returns:
        float64 array (length,).
    """
    length = v.positive_int("length", length)
    tau = v.positive("tau", tau)
    dt = v.positive("dt", dt)
    subsample = v.positive_int("subsample", subsample)
    delay = int(round(tau / dt))
    total = (length + washout) * subsample
    rng = np.random.default_rng(seed)
    history = np.full(delay + total + 1, x0, dtype="float64")
    if seed is not None:
        history[: delay + 1] += 0.05 * rng.standard_normal(delay + 1)

    def f(x, x_tau):
        return beta * x_tau / (1.0 + x_tau**n) - gamma * x

    for t in range(delay, delay + total):
        x, x_tau = history[t], history[t - delay]
        k1 = f(x, x_tau)
        k2 = f(x + 0.5 * dt * k1, x_tau)
        k3 = f(x + 0.5 * dt * k2, x_tau)
        k4 = f(x + dt * k3, x_tau)
        history[t + 1] = x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    series = history[delay + 1 :: subsample]
    return series[washout : washout + length]
