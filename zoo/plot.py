"""Figures: attention alignments (more to come with the applications)."""

import numpy as np


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        try:
            matplotlib.use("Agg")
        except Exception:  # a GUI backend already in use
            pass
    import matplotlib.pyplot as plt

    return plt


def alignment(weights, source_tokens, target_tokens, ax=None, strip_marker=True):
    """Draw an attention matrix (target rows, source columns).

    Args:
        weights: array (len(target_tokens), len(source_tokens)).
        source_tokens, target_tokens: labels of the columns and rows.
        ax: matplotlib axes to draw on (a new figure when None).

    Returns:
        The axes.
    """
    weights = np.asarray(weights)
    if weights.shape != (len(target_tokens), len(source_tokens)):
        raise ValueError(
            f"`weights` must have shape ({len(target_tokens)}, {len(source_tokens)}) to match the tokens; "
            f"received {weights.shape}."
        )
    plt = _pyplot()
    if ax is None:
        size = (max(4, 0.45 * len(source_tokens) + 1.5), max(3, 0.4 * len(target_tokens) + 1))
        _, ax = plt.subplots(figsize=size)

    def clean(tokens):
        return [t.replace("\u2581", "") if strip_marker else t for t in tokens]

    ax.imshow(weights, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(source_tokens)))
    ax.set_xticklabels(clean(source_tokens), rotation=60, ha="right")
    ax.set_yticks(range(len(target_tokens)))
    ax.set_yticklabels(clean(target_tokens))
    ax.set_xlabel("source")
    ax.set_ylabel("translation")
    ax.figure.tight_layout()
    return ax
