"""Draw the book's logo and favicon with matplotlib: a smooth curve and its INT8-style staircase.

Run from anywhere: ``python book/_static/make_logo.py [OUT_DIR]`` writes ``logo.png`` and
``favicon.png`` (default: this folder). Only matplotlib's bundled DejaVu font is used and the PNG
metadata is fixed, so the same matplotlib release redraws the committed files pixel for pixel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

INK = "#1f3b73"  # deep blue: the staircase (the integers)
CURVE = "#e4572e"  # orange: the real-valued signal
PNG_META = {"Software": None}  # no version string in the file


def draw_mark(ax) -> None:
    """The curve x(t) = sin(t) and its quantization to 7 levels, rounding half to even."""
    t = np.linspace(0.0, 2.0 * np.pi, 400)
    x = np.sin(t)
    steps = 3  # levels -3..3, like [-127, 127] at a glance
    q = np.rint(x * steps) / steps
    ax.step(t, q, where="mid", color=INK, lw=6, solid_joinstyle="miter")
    ax.plot(t, x, color=CURVE, lw=3.5)
    ax.set_xlim(-0.35, 2.0 * np.pi + 0.35)
    ax.set_ylim(-1.3, 1.3)
    ax.axis("off")


def favicon(path: Path) -> None:
    fig = plt.figure(figsize=(1, 1), dpi=64)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_mark(ax)
    fig.savefig(path, transparent=True, metadata=PNG_META)
    plt.close(fig)


def logo(path: Path) -> None:
    fig = plt.figure(figsize=(4.0, 1.4), dpi=100)
    ax = fig.add_axes((0.0, 0.05, 0.42, 0.9))
    draw_mark(ax)
    fig.text(0.46, 0.55, "qdq", color=INK, fontsize=44, fontweight="bold",
             family="DejaVu Sans", va="center")
    fig.text(0.47, 0.17, "FP32 → INT8", color=CURVE, fontsize=15, family="DejaVu Sans", va="center")
    fig.savefig(path, transparent=True, metadata=PNG_META)
    plt.close(fig)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    logo(out / "logo.png")
    favicon(out / "favicon.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
