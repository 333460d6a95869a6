import gzip
import os

import pytest

MULTI30K = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "multi30k")

# A tiny parallel "language": every word maps to one word, order kept.
LEXICON = {
    "a": "ein",
    "man": "Mann",
    "dog": "Hund",
    "runs": "rennt",
    "sleeps": "schläft",
    "big": "großer",
    "the": "der",
}


def toy_pairs(n=40):
    import itertools

    words = [("a", "man"), ("a", "dog"), ("the", "big", "dog"), ("the", "man")]
    verbs = ["runs", "sleeps"]
    pairs = []
    for subject, verb in itertools.islice(itertools.cycle(itertools.product(words, verbs)), n):
        src = " ".join(subject + (verb,)) + "."
        pairs.append((src.capitalize(), " ".join(LEXICON[w] for w in subject + (verb,)).capitalize() + "."))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def read_multi30k(split, lang, limit=None):
    path = os.path.join(MULTI30K, f"{split}.{lang}.gz")
    if not os.path.exists(path):
        pytest.skip(f"Multi30k not found at {MULTI30K} (../shared/data is absent)")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    return lines[:limit] if limit else lines


@pytest.fixture
def toy_translator():
    from zoo.applications import Translator

    sources, targets = toy_pairs()
    src_vocab, tgt_vocab = Translator.build_vocabularies(sources, targets, min_count=1)
    model = Translator(
        src_vocab,
        tgt_vocab,
        embedding_dim=16,
        encoder_units=16,
        decoder_units=16,
        attention_units=8,
        dropout=0.0,
        max_target_length=12,
    )
    return model, sources, targets
