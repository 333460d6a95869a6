from zoo.layers.attention.attention_rnn import AttentionRNN
from zoo.layers.attention.bahdanau import BahdanauAttention
from zoo.layers.attention.luong import LuongAttention

__all__ = ["AttentionRNN", "BahdanauAttention", "LuongAttention"]
