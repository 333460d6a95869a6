"""Recurrent cells and their sequence layers, written in `keras.ops` only."""

from zoo.layers.rnn import *  # noqa: F401,F403
