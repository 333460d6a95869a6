"""Interpretable units in character-level models (Karpathy, Johnson and
Fei-Fei 2015, section 4.1 and Figures 2 and 6): one unit's activation over
text drawn as coloured characters, and a search for the units that track a
property of the text.

The three text signals are aligned with the hidden states: the value at
character t is the property *after reading* character t, as h_t is (an
opening quote is inside the quotation, a closing one outside; an opening
bracket already counts in the depth; a newline starts a line of length 0).
"""

import html

import numpy as np

from zoo import validation as v


def _text(text):
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string; received text={text!r}.")
    if not text:
        raise ValueError("`text` must be a non-empty string; received text=''.")
    return text


def inside_quotes(text, quote='"'):
    """1 where the reader is inside a quotation after reading each character.

    The opening quote is inside (1), the closing one outside (0); quotes
    pair up in order of appearance.

    Args:
        text: a non-empty string.
        quote: the quotation character (one character).

    Returns:
        float32 array (len(text),) of 0 and 1.

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015 (Fig. 2, the quote
        detection cell).
    """
    text = _text(text)
    if not isinstance(quote, str) or len(quote) != 1:
        raise ValueError(f"`quote` must be a single character; received quote={quote!r}.")
    is_quote = np.frombuffer(text.encode("utf-32-le"), dtype="<u4") == ord(quote)
    return (np.cumsum(is_quote) % 2).astype("float32")


def position_in_line(text):
    """The number of characters read on the current line, after each
    character (0 after a newline, k after the k-th character of a line).

    Args:
        text: a non-empty string.

    Returns:
        float32 array (len(text),).

    Reference:
        Karpathy, Johnson and Fei-Fei 2015 (Fig. 2, the line-length
        tracking cell).
    """
    text = _text(text)
    out = np.empty(len(text), "float32")
    column = 0
    for t, ch in enumerate(text):
        column = 0 if ch == "\n" else column + 1
        out[t] = column
    return out


def bracket_depth(text, pairs="()[]{}"):
    """The bracket nesting depth after reading each character.

    An opening bracket already counts; a closing bracket without an opening
    one is ignored (the depth never goes below 0).

    Args:
        text: a non-empty string.
        pairs: the bracket pairs, opening then closing character of each
            (default "()[]{}").

    Returns:
        float32 array (len(text),).

    Reference:
        Karpathy, Johnson and Fei-Fei 2015 (Fig. 6, cells that track the
        nesting depth of code).
    """
    text = _text(text)
    if not isinstance(pairs, str) or not pairs or len(pairs) % 2:
        raise ValueError(
            f"`pairs` must be a string of opening/closing character pairs such as '()[]'; received pairs={pairs!r}."
        )
    opening, closing = set(pairs[0::2]), set(pairs[1::2])
    out = np.empty(len(text), "float32")
    depth = 0
    for t, ch in enumerate(text):
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth = max(depth - 1, 0)
        out[t] = depth
    return out


def one_hot(text, vocabulary=None):
    """Encode text as one-hot vectors, to record a cell directly on text.

    Args:
        text: a non-empty string.
        vocabulary: the characters, in order; default the sorted characters
            of `text`.

    Returns:
        (inputs, vocabulary): float32 array (1, len(text), len(vocabulary))
        and the vocabulary as a list.
    """
    text = _text(text)
    vocabulary = sorted(set(text)) if vocabulary is None else list(vocabulary)
    index = {ch: i for i, ch in enumerate(vocabulary)}
    unknown = sorted(set(text) - set(index))
    if unknown:
        raise ValueError(f"`text` holds characters missing from `vocabulary`: {unknown[:10]!r}.")
    ids = np.array([index[ch] for ch in text])
    return np.eye(len(vocabulary), dtype="float32")[ids][None], vocabulary


def _paired(activations, signal):
    a = np.asarray(activations, dtype="float64")
    s = np.asarray(signal, dtype="float64")
    if a.ndim not in (2, 3) or a.size == 0:
        raise ValueError(
            f"`activations` must be (time, units) or (batch, time, units); received shape {a.shape}."
        )
    if s.shape != a.shape[:-1]:
        raise ValueError(
            f"`signal` must have shape {a.shape[:-1]} (one value per step of `activations`); "
            f"received signal with shape {s.shape}."
        )
    a, s = a.reshape(-1, a.shape[-1]), s.reshape(-1)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(s))):
        raise ValueError("`activations` and `signal` must be finite; received NaN or inf values.")
    if np.ptp(s) == 0:
        raise ValueError(f"`signal` is constant ({s[0]!r}): it has no correlation with anything.")
    return a, s


def correlations(activations, signal):
    """Pearson correlation of every unit's activation with a signal.

    Args:
        activations: array (time, units) or (batch, time, units), e.g.
            `record(...).h` or a gate.
        signal: array (time,) or (batch, time), e.g. `inside_quotes(text)`.

    Returns:
        float64 array (units,); 0 for a unit that never changes.
    """
    a, s = _paired(activations, signal)
    a = a - a.mean(axis=0)
    s = s - s.mean()
    norm = np.sqrt((a * a).sum(axis=0) * (s * s).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * s[:, None]).sum(axis=0) / norm
    return np.where(norm > 0, r, 0.0)


def rank_units(activations, signal, top=10):
    """The units whose activation best follows a per-character signal.

    Args:
        activations: array (time, units) or (batch, time, units).
        signal: array (time,) or (batch, time): one of `inside_quotes`,
            `position_in_line`, `bracket_depth`, or any per-step quantity.
        top: how many units to return (None: all).

    Returns:
        A list of dicts {"unit", "correlation"}, by decreasing absolute
        correlation (a strongly negative unit tracks the signal as well).

    Example:

    >>> rec = record(lstm_layer, one_hot(text, vocabulary)[0])
    >>> rank_units(rec.c[0], inside_quotes(text), top=3)

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015 (section 4.1).
    """
    r = correlations(activations, signal)
    top = len(r) if top is None else min(v.positive_int("top", top), len(r))
    order = np.argsort(-np.abs(r), kind="stable")[:top]
    return [{"unit": int(j), "correlation": float(r[j])} for j in order]


def _values(text, values):
    values = np.asarray(values, dtype="float64")
    if values.shape != (len(text),):
        raise ValueError(
            f"`values` must have one value per character of `text`, shape ({len(text)},); "
            f"received values with shape {values.shape}."
        )
    return values


def _lines(text, width):
    """(row, column) of each character: wrapped at newlines and `width`."""
    rows, cols = np.empty(len(text), int), np.empty(len(text), int)
    row = col = 0
    for t, ch in enumerate(text):
        if col >= width:
            row, col = row + 1, 0
        rows[t], cols[t] = row, col
        if ch == "\n":
            row, col = row + 1, 0
        else:
            col += 1
    return rows, cols


def text_heatmap(text, values, width=80, vmin=-1.0, vmax=1.0, cmap="RdBu_r", title=None, char_size=0.12):
    """Draw text with each character's cell coloured by one unit's
    activation after reading it (Figure 2 of Karpathy et al. 2015).

    Args:
        text: a non-empty string.
        values: array (len(text),), e.g. `record(...).h[0, :, unit]`.
        width: characters per line before wrapping (newlines also wrap; a
            newline is drawn as a return arrow).
        vmin, vmax: the colour scale (default the tanh range [-1, 1]; use
            0, 1 for a gate).
        cmap: a matplotlib colormap name.
        title: an optional title (e.g. "unit 17: inside quotes").
        char_size: the size of one character cell, in inches.

    Returns:
        A matplotlib `Figure`.

    Reference:
        Karpathy, Johnson and Fei-Fei, "Visualizing and understanding
        recurrent networks", arXiv:1506.02078, 2015 (Fig. 2).
    """
    text = _text(text)
    values = _values(text, values)
    width = v.positive_int("width", width)
    if not vmin < vmax:
        raise ValueError(f"`vmin` must be smaller than `vmax`; received vmin={vmin!r}, vmax={vmax!r}.")
    rows, cols = _lines(text, width)
    grid = np.full((rows[-1] + 1, width), np.nan)
    grid[rows, cols] = values
    from zoo.plot import _pyplot

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(char_size * width + 0.6, char_size * 1.6 * grid.shape[0] + 0.6))
    image = ax.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    for ch, r, c in zip(text, rows, cols):
        if not ch.isspace() or ch == "\n":
            ax.text(
                c, r, "\u21b5" if ch == "\n" else ch, ha="center", va="center", family="monospace", size=8
            )
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.02, pad=0.01)
    return fig


def text_heatmap_html(text, values, vmin=-1.0, vmax=1.0):
    """The same map as HTML: each character a span whose background goes
    from blue (vmin) through white to red (vmax); for notebooks
    (`IPython.display.HTML`) and reports. No matplotlib needed.

    Args:
        text: a non-empty string.
        values: array (len(text),).
        vmin, vmax: the values drawn full blue and full red.

    Returns:
        An HTML string.
    """
    text = _text(text)
    values = _values(text, values)
    if not vmin < vmax:
        raise ValueError(f"`vmin` must be smaller than `vmax`; received vmin={vmin!r}, vmax={vmax!r}.")
    scaled = np.clip(2 * (values - vmin) / (vmax - vmin) - 1, -1, 1)  # [-1, 1]
    spans = []
    for ch, s in zip(text, scaled):
        fade = int(round(255 * (1 - abs(s))))
        color = f"rgb(255,{fade},{fade})" if s >= 0 else f"rgb({fade},{fade},255)"
        shown = "\u21b5<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        spans.append(f'<span style="background:{color}">{shown}</span>')
    return '<div style="font-family:monospace;line-height:1.4">' + "".join(spans) + "</div>"
