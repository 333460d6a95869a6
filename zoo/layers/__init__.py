"""Recurrent cells, their sequence layers and attention, in `keras.ops` only."""

from zoo.layers.attention import *  # noqa: F401,F403
from zoo.layers.rnn import *  # noqa: F401,F403
