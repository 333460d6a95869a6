import numpy as np
import pytest

from zoo.data import mackey_glass


def test_mackey_glass():
    x = mackey_glass(2000)
    assert x.shape == (2000,)
    # The tau=17 attractor stays within about [0.2, 1.4] and is not periodic.
    assert 0.1 < x.min() < 0.5 and 1.1 < x.max() < 1.5
    lag = np.corrcoef(x[:-50], x[50:])[0, 1]
    assert abs(lag) < 0.9
    np.testing.assert_array_equal(x, mackey_glass(2000))
    assert not np.array_equal(mackey_glass(100, seed=1), mackey_glass(100, seed=2))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="tau"):
        mackey_glass(10, tau=0)
