import numpy as np
import pytest

from zoo.data import adding_problem, copy_problem


def test_adding_problem():
    x, y = adding_problem(500, 30, seed=0)
    assert x.shape == (500, 30, 2) and y.shape == (500, 1)
    markers = x[..., 1]
    np.testing.assert_array_equal(markers.sum(1), 2)
    assert np.all(markers[:, :15].sum(1) == 1)
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(1), rtol=1e-6)
    # The trivial baseline: predicting 1 gives MSE ~ 1/6.
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.02
    x2, _ = adding_problem(500, 30, seed=0)
    np.testing.assert_array_equal(x, x2)


def test_copy_problem():
    x, y = copy_problem(10, delay=20, num_symbols=5, copy_length=4, seed=0)
    assert x.shape == y.shape == (10, 28)
    np.testing.assert_array_equal(y[:, -4:], x[:, :4])
    assert np.all(x[:, 24] == 6)
    assert np.all((x[:, :4] >= 1) & (x[:, :4] <= 5))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="length"):
        adding_problem(10, 1)
    with pytest.raises(ValueError, match="num_samples"):
        adding_problem(0, 10)
    with pytest.raises(ValueError, match="delay"):
        copy_problem(3, delay=0)
