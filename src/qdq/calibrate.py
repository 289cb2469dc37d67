"""Choosing alpha from data, and the two quantization granularities a layer needs.

Weights are known ahead of time, so each output channel (row of ``W``, shape
``(out, in)``) can get its own ``alpha = max|row|`` (per-channel quantization). Activations
change with every input, so one ``alpha`` per tensor is calibrated from sample data:

* ``"max"``: the largest magnitude seen; nothing in the samples is ever clipped, but one
  outlier stretches the grid for everyone;
* ``"percentile"``: the ``p``-th percentile of ``|x|``; a few rare values are clipped so that
  the common ones get a finer grid (smaller rounding error).
"""

from __future__ import annotations

import numpy as np

from qdq._checks import as_real_array, require_finite, require_nonempty
from qdq.quant import absmax, quantize, scale_factor

__all__ = ["CALIBRATION_METHODS", "calibrate_alpha", "quantize_weight", "quantize_activation"]

CALIBRATION_METHODS = ("max", "percentile")


def calibrate_alpha(samples, method: str = "max", percentile: float = 99.99) -> float:
    """Clipping threshold ``alpha`` for one activation tensor, from sample values.

    Parameters
    ----------
    samples : array_like of real numbers
        Activations observed on calibration data (any shape; all values are pooled).
    method : {"max", "percentile"}
        ``"max"`` is ``max|x|``; ``"percentile"`` is the ``percentile``-th percentile of
        ``|x|`` (NumPy's default linear interpolation).
    percentile : float
        In ``(0, 100]``; used only by ``"percentile"``. 100 gives the same alpha as ``"max"``.

    Returns
    -------
    alpha : float
        Positive, ready for :func:`qdq.scale_factor`.

    Raises
    ------
    TypeError
        If ``samples`` is not real-valued.
    ValueError
        If ``samples`` is empty or not finite, ``method`` or ``percentile`` is invalid, or
        the chosen alpha is 0 (all-zero samples have no scale).

    Examples
    --------
    >>> x = [0.1, -0.2, 0.3, 0.4, 10.0]
    >>> calibrate_alpha(x)
    10.0
    >>> calibrate_alpha(x, "percentile", percentile=50)
    0.3
    """
    if method not in CALIBRATION_METHODS:
        raise ValueError(f"method must be one of {CALIBRATION_METHODS}, got {method!r}")
    arr = as_real_array(samples, "samples")
    require_nonempty(arr, "samples")
    require_finite(arr, "samples")
    if method == "max":
        alpha = float(absmax(arr))
    else:
        if isinstance(percentile, bool) or not isinstance(percentile, (int, float, np.integer, np.floating)):
            raise TypeError(f"percentile must be a real number, got {type(percentile).__name__}")
        if not 0 < percentile <= 100:
            raise ValueError(f"percentile must be in (0, 100], got {percentile!r}")
        alpha = float(np.percentile(np.abs(arr.astype(np.float64)), percentile))
    if alpha <= 0:
        raise ValueError(f"samples give alpha = {alpha} with method={method!r}; a scale needs alpha > 0")
    return alpha


def quantize_weight(w, per_channel: bool = True, bits: int = 8):
    """Symmetric quantization of a weight matrix ``w`` of shape ``(out, in)``.

    Per channel, row ``i`` gets ``alpha_i = max|w[i]|`` and ``s_i = 127 / alpha_i``; per
    tensor, the whole matrix shares ``alpha = max|w|``. Either way nothing is clipped.

    Parameters
    ----------
    w : array_like of real numbers, shape (out, in)
        Finite weights; with ``per_channel`` no row may be all zero.
    per_channel : bool
        One scale per output row (default) or one for the whole tensor.
    bits : int
        Width of the signed grid.

    Returns
    -------
    w_q : ndarray of int8 (for ``bits=8``), shape (out, in)
    s : ndarray of shape (out,) or numpy scalar
        The scale factor(s); ``dequantize(w_q, s, axis=0)`` maps back.

    Examples
    --------
    >>> w = [[0.5, -1.0], [0.02, 0.01]]
    >>> w_q, s = quantize_weight(w)
    >>> w_q, s
    (array([[  64, -127],
           [ 127,   64]], dtype=int8), array([ 127., 6350.]))
    >>> quantize_weight(w, per_channel=False)[0]
    array([[  64, -127],
           [   3,    1]], dtype=int8)
    """
    arr = as_real_array(w, "w")
    if arr.ndim != 2:
        raise ValueError(f"w must be a 2-D (out, in) matrix, got shape {arr.shape}")
    if per_channel:
        s = scale_factor(absmax(arr, axis=1), bits)
        return quantize(arr, s, bits, axis=0), s
    s = scale_factor(absmax(arr), bits)
    return quantize(arr, s, bits), s


def quantize_activation(x, alpha: float, bits: int = 8):
    """Per-tensor quantization of activations with a calibrated ``alpha``; values beyond clip.

    Returns
    -------
    x_q : ndarray of int8 (for ``bits=8``)
    s : numpy scalar
        ``s = 127 / alpha``.

    Examples
    --------
    >>> quantize_activation([0.5, 1.0, 3.0, -9.0], alpha=2.0)
    (array([  32,   64,  127, -127], dtype=int8), np.float64(63.5))
    """
    s = scale_factor(alpha, bits)
    return quantize(x, s, bits), s
