"""zoo.inspect: the study of how hidden states manage memory.

- `record`: run any zoo cell (or Keras's SimpleRNN/LSTM/GRU cells, or a
  recurrent layer wrapping one) step by step and keep its hidden and cell
  states and gate activations.
- `saturation`, `plot_saturation`: how often gates are nearly closed or open
  (Karpathy, Johnson and Fei-Fei 2015, Fig. 3).
- `text_heatmap`, `rank_units` and the text signals `inside_quotes`,
  `position_in_line`, `bracket_depth`: interpretable units over text.
- `gradient_norms`, `spectral_radius`, `compare_gradient_flow`,
  `plot_gradient_norms`: how gradients vanish through time.
- `make_task`, `compare_cells`, `format_table`: the copy task and the adding
  problem as a benchmark of memory, against their chance-level baselines.
"""

from zoo.inspect.gradients import (
    GradientNorms,
    compare_gradient_flow,
    gradient_norms,
    plot_gradient_norms,
    spectral_radius,
)
from zoo.inspect.memory import (
    adding_baseline,
    compare_cells,
    copy_baseline,
    format_table,
    make_task,
)
from zoo.inspect.record import Record, record, recurrent_blocks
from zoo.inspect.saturation import Saturation, plot_saturation, saturation
from zoo.inspect.text_units import (
    bracket_depth,
    correlations,
    inside_quotes,
    one_hot,
    position_in_line,
    rank_units,
    text_heatmap,
    text_heatmap_html,
)

__all__ = [
    "GradientNorms",
    "Record",
    "Saturation",
    "adding_baseline",
    "bracket_depth",
    "compare_cells",
    "compare_gradient_flow",
    "copy_baseline",
    "correlations",
    "format_table",
    "gradient_norms",
    "inside_quotes",
    "make_task",
    "one_hot",
    "plot_gradient_norms",
    "plot_saturation",
    "position_in_line",
    "rank_units",
    "record",
    "recurrent_blocks",
    "saturation",
    "spectral_radius",
    "text_heatmap",
    "text_heatmap_html",
]
