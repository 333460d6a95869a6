"""Learning check: the gated cells solve the adding problem at T = 50."""

import keras
import pytest

from zoo import layers
from zoo.data import adding_problem

TRIVIAL_MSE = 1.0 / 6.0  # predicting the constant 1


@pytest.mark.parametrize(
    "layer_cls", [layers.LSTM, layers.GRU, layers.IMG, layers.PMU], ids=lambda c: c.__name__
)
def test_adding_problem_t50(layer_cls):
    keras.utils.set_random_seed(0)
    x, y = adding_problem(4000, 50, seed=0)
    x_val, y_val = adding_problem(1000, 50, seed=1)
    model = keras.Sequential([keras.Input((50, 2)), layer_cls(32), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01, clipnorm=1.0), "mse", jit_compile=True)
    best = float("inf")
    for _ in range(20):  # at most 20 epochs of 63 steps
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        best = min(best, model.evaluate(x_val, y_val, batch_size=500, verbose=0))
        if best < 0.05 * TRIVIAL_MSE:
            break
    assert best < 0.1 * TRIVIAL_MSE, f"{layer_cls.__name__}: validation MSE {best:.4f}"
