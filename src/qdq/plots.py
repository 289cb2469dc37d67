"""Matplotlib set-up shared by every chapter: a Korean-capable font, set once.

The font is NanumGothic as shipped by the ``koreanize-matplotlib`` wheel (SIL Open Font
License). Only the font files are used: that package's module imports ``distutils``, which
Python 3.12 removed, so it is never imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib
from matplotlib import font_manager

__all__ = ["KOREAN_FONT", "korean_font_path", "use_korean_font"]

KOREAN_FONT = "NanumGothic"


def korean_font_path() -> Path:
    """Path of the bundled NanumGothic TrueType file.

    Examples
    --------
    >>> korean_font_path().name
    'NanumGothic.ttf'
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")  # locates, does not import
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("koreanize-matplotlib (which ships the NanumGothic font) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"NanumGothic.ttf not found at {path}")
    return path


def use_korean_font() -> None:
    """Register NanumGothic with matplotlib and make it the default font.

    NanumGothic lacks U+2212, the minus sign matplotlib draws in tick labels, so ticks use
    ASCII '-'; DejaVu Sans (matplotlib's own font) is a per-glyph fallback for plain text.
    Mathtext has no such fallback: on log axes, whose default ticks are mathtext
    (``10^{-3}``), use ``matplotlib.ticker.LogFormatter()`` or plain labels. Figures get a
    fixed size and resolution so that pages look alike. Returns nothing, so a notebook cell
    that calls it prints nothing.

    Examples
    --------
    >>> use_korean_font()
    >>> matplotlib.rcParams["font.family"]
    ['NanumGothic', 'DejaVu Sans']
    """
    font_dir = korean_font_path().parent
    for path in sorted(font_dir.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams.update(
        {
            "font.family": [KOREAN_FONT, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )
