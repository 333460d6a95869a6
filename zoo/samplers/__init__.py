"""Token samplers over recurrent state, written in `keras.ops` so they run
inside XLA and inside exported SavedModels."""

from zoo.samplers.search import beam_search, greedy_search

__all__ = ["beam_search", "greedy_search"]
