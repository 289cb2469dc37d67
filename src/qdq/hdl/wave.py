"""Logic-analyser style waveform figures (matplotlib) for chapter 7.

Rows are either 1-bit signals, drawn as steps, or buses, drawn as boxes labelled with their
integer value. One value is given per clock cycle; the clock itself is drawn on top.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_waveform"]


def plot_waveform(rows, period: float = 10.0, ax=None, title: str | None = None):
    """Draw a waveform: the clock, then one row per signal.

    Parameters
    ----------
    rows : list of (label, values, kind, offset)
        ``values`` holds one integer per clock cycle; ``kind`` is ``"bit"`` or ``"bus"``;
        ``offset`` is when in a cycle the value changes, as a fraction of ``period`` (0 for
        inputs applied at the start of a cycle, 0.5 for a register that changes at the
        rising edge). Before its first change a row is drawn as unknown (hatched), and so
        is any value given as ``None``.
    period : float
        Clock period in simulation time units; the rising edge is at mid-cycle.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> ax = plot_waveform([("en", [1, 1, 0], "bit", 0.0), ("acc", [0, 3, 3], "bus", 0.5)])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['acc', 'en', 'clk']
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.55 * (len(rows) + 1) + 0.8))
    n = max(len(values) for _, values, _, _ in rows)
    end = n * period
    height = 0.7
    labels = []
    y = len(rows)
    # Clock: low in the first half of each cycle, rising edge at mid-cycle.
    clk_t = (np.arange(n)[:, None] * period + np.array([0, 0.5, 0.5, 1.0]) * period).ravel()
    clk_v = np.tile([0, 0, 1, 1], n)
    ax.plot(clk_t, y + height * clk_v, color="black", lw=1.2, drawstyle="steps-post")
    labels.append((y + height / 2, "clk"))
    for label, values, kind, offset in rows:
        y -= 1
        starts = np.arange(len(values)) * period + offset * period
        bounds = list(starts) + [end]
        if kind == "bit":
            xs, ys = [0.0], [values[0] if values[0] is not None else 0]
            for i, v in enumerate(values):
                xs.append(bounds[i])
                ys.append(v if v is not None else 0)
            xs.append(end)
            ys.append(ys[-1])
            ax.step(xs, y + height * np.array(ys, dtype=float), where="post", color="tab:blue", lw=1.5)
        else:
            segments = []  # merge equal neighbours into one box
            left = 0.0
            for i, v in enumerate(values):
                if i > 0 and v == values[i - 1]:
                    continue
                if segments or left < bounds[i]:
                    segments.append((left, bounds[i], values[i - 1] if i > 0 else None))
                left = bounds[i]
            segments.append((left, end, values[-1]))
            for x0, x1, v in segments:
                if x1 <= x0:
                    continue
                slope = min(0.08 * period, (x1 - x0) / 3)
                xs = [x0, x0 + slope, x1 - slope, x1, x1 - slope, x0 + slope, x0]
                ys = [y + height / 2, y + height, y + height, y + height / 2, y, y, y + height / 2]
                if v is None:
                    ax.fill(xs, ys, facecolor="none", edgecolor="tab:gray", hatch="///", lw=1.0)
                else:
                    ax.plot(xs, ys, color="tab:green", lw=1.2)
                    ax.text((x0 + x1) / 2, y + height / 2, str(int(v)), ha="center", va="center", fontsize=8)
        labels.append((y + height / 2, label))
    for k in range(n):
        ax.axvline(k * period + period / 2, color="tab:gray", lw=0.6, ls=":", zorder=0)
    ax.set_yticks([p for p, _ in labels][::-1], [name for _, name in labels][::-1])
    ax.set_xlim(0, end)
    ax.set_ylim(y - 0.3, len(rows) + 1)
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return ax
