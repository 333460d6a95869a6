import numpy as np
import pytest

from tests.applications.conftest import read_multi30k
from zoo.applications import translator_preprocessor as tp

CASES = [
    ("A man (big), riding.", ["▁A", "▁man", "▁(", "big", ")", ",", "▁riding", "."]),
    ("Don't!?", ["▁Don", "'", "t", "!", "?"]),
    ("", []),
    ("   \t ", []),
    ("Zwei junge weiße Männer", ["▁Zwei", "▁junge", "▁weiße", "▁Männer"]),
    ("«Ja»—nein…", ["▁«", "Ja", "»", "—", "nein", "…"]),
    ("a\u00a0b\tc\nd", ["▁a", "▁b", "▁c", "▁d"]),
    ("▁x", ["▁_", "x"]),
    ("3.5 kg, 20%", ["▁3", ".", "5", "▁kg", ",", "▁20", "%"]),
]


@pytest.mark.parametrize("text,tokens", CASES)
def test_tokenize(text, tokens):
    assert tp.tokenize(text) == tokens
    assert tp.detokenize(tokens) == tp.normalize(text)


def _tf_tokens(texts):
    return [[w.decode() for w in row] for row in tp.tf_tokenize(np.array(texts, dtype=object)).to_list()]


def test_tensorflow_twin_agrees():
    pytest.importorskip("tensorflow")
    texts = [c[0] for c in CASES] + [
        "Ünïcödé ñ 日本語 テキスト",
        "emoji 🙂 ok",
        "tab\tand  double  spaces ",
        "x--y...z",
    ]
    assert _tf_tokens(texts) == [tp.tokenize(t) for t in texts]
    import tensorflow as tf

    detok = tp.tf_detokenize(tf.ragged.constant([tp.tokenize(t) for t in texts])).numpy()
    assert [d.decode() for d in detok] == [tp.normalize(t) for t in texts]


def test_tensorflow_twin_agrees_on_the_corpus():
    pytest.importorskip("tensorflow")
    for lang in ("en", "de"):
        texts = read_multi30k("val", lang)
        assert _tf_tokens(texts) == [tp.tokenize(t) for t in texts]


def test_vocabulary():
    vocab = tp.build_vocabulary(["a b b", "b c"], min_count=2)
    assert vocab == list(tp.RESERVED) + ["▁b"]
    v = tp.Vocabulary(vocab)
    assert v.encode(["▁b", "▁zzz"]) == [4, tp.UNK_ID]
    assert v.decode([4, tp.EOS_ID, 4]) == ["▁b"]
    with pytest.raises(ValueError, match="reserved"):
        tp.check_vocabulary("source_vocabulary", ["a", "b"])
    with pytest.raises(ValueError, match="duplicate"):
        tp.check_vocabulary("v", list(tp.RESERVED) + ["x", "x"])
    with pytest.raises(TypeError, match="list of strings"):
        tp.check_vocabulary("v", "abc")


def test_check_texts():
    assert tp.check_texts("texts", "hi") == (["hi"], True)
    assert tp.check_texts("texts", ("a", "b")) == (["a", "b"], False)
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        tp.check_texts("texts", ["a", 3])
    with pytest.raises(TypeError, match="bytes"):
        tp.check_texts("texts", [b"a"])
    with pytest.raises(TypeError, match="texts"):
        tp.check_texts("texts", 42)


def test_pad():
    out = tp.pad([[1, 2, 3], [4]], multiple=4)
    np.testing.assert_array_equal(out, [[1, 2, 3, 0], [4, 0, 0, 0]])
