"""Data: readers for real formats and generators of embedded defaults."""

from zoo.data import shards
from zoo.data.labelled import read_labelled_files, sentence_polarity
from zoo.data.memory_tasks import adding_problem, copy_problem
from zoo.data.parallel import read_lines, read_parallel
from zoo.data.time_series import mackey_glass

__all__ = [
    "adding_problem",
    "copy_problem",
    "mackey_glass",
    "read_labelled_files",
    "read_lines",
    "read_parallel",
    "sentence_polarity",
    "shards",
]
