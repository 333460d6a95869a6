"""Token samplers over recurrent state, written in `keras.ops` so they run
inside XLA and inside exported SavedModels."""

from zoo.samplers.sampling import filter_logits, random_search, sample_logits
from zoo.samplers.search import beam_search, greedy_search

__all__ = ["beam_search", "filter_logits", "greedy_search", "random_search", "sample_logits"]
