from zoo.layers.rnn.base import RNN, RecurrentCell
from zoo.layers.rnn.echo_state import EchoState, EchoStateCell, fit_ridge_readout, ridge_regression
from zoo.layers.rnn.gru import GRU, GRUCell
from zoo.layers.rnn.img import IMG, IMGCell
from zoo.layers.rnn.jordan import Jordan, JordanCell
from zoo.layers.rnn.leaky import Leaky, LeakyCell
from zoo.layers.rnn.lstm import LSTM, LSTMCell
from zoo.layers.rnn.pmu import PMU, PMUCell
from zoo.layers.rnn.simple_rnn import Elman, ElmanCell, SimpleRNN, SimpleRNNCell

__all__ = [
    "RNN",
    "RecurrentCell",
    "EchoState",
    "EchoStateCell",
    "fit_ridge_readout",
    "ridge_regression",
    "GRU",
    "GRUCell",
    "IMG",
    "IMGCell",
    "Jordan",
    "JordanCell",
    "Leaky",
    "LeakyCell",
    "LSTM",
    "LSTMCell",
    "PMU",
    "PMUCell",
    "Elman",
    "ElmanCell",
    "SimpleRNN",
    "SimpleRNNCell",
]
