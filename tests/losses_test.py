import numpy as np
import pytest

from zoo.losses import MaskedSparseCrossentropy


def _reference(y, logits, eps, pad=0):
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, y[..., None], -1)[..., 0]
    nll = (1 - eps) * nll - eps * logp.mean(-1)
    mask = y != pad
    return (nll * mask).sum() / mask.sum()


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_correctness(eps):
    rng = np.random.default_rng(0)
    y = rng.integers(1, 7, (3, 5))
    y[1, 3:] = 0
    logits = rng.standard_normal((3, 5, 7)).astype("float32")
    loss = float(MaskedSparseCrossentropy(label_smoothing=eps)(y, logits))
    np.testing.assert_allclose(loss, _reference(y, logits, eps), rtol=1e-5)


def test_all_padding_is_zero_not_nan():
    assert float(MaskedSparseCrossentropy()(np.zeros((2, 3), "int32"), np.zeros((2, 3, 4), "float32"))) == 0.0


def test_config_and_validation():
    loss = MaskedSparseCrossentropy(pad_id=2, label_smoothing=0.2)
    assert MaskedSparseCrossentropy.from_config(loss.get_config()).get_config() == loss.get_config()
    with pytest.raises(ValueError, match="label_smoothing"):
        MaskedSparseCrossentropy(label_smoothing=1.0)
