import numpy as np
import pytest

from zoo import plot


def test_alignment():
    ax = plot.alignment(np.eye(3)[:2], ["▁a", "b", "</s>"], ["▁x", "y"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "</s>"]
    with pytest.raises(ValueError, match="weights"):
        plot.alignment(np.eye(3), ["a"], ["b"])
