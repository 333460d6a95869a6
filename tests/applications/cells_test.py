import numpy as np
import pytest

from zoo import layers
from zoo.applications.cells import CELLS, cell_class


def test_every_named_cell_is_a_zoo_cell_that_builds():
    for name, cls in CELLS.items():
        assert cell_class(name) is cls and getattr(layers, cls.__name__) is cls
        rnn = layers.RNN(cls(3), return_sequences=True)
        assert tuple(rnn(np.zeros((2, 4, 5), "float32")).shape) == (2, 4, 3)


@pytest.mark.parametrize("bad", ["gru", "Transformer", None, 3, layers.GRUCell])
def test_unknown_cell_names_the_argument(bad):
    with pytest.raises(ValueError, match=r"`cell` must be one of \['GRU', .*received cell="):
        cell_class(bad)
