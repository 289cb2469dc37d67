"""Symmetric linear quantization: FP32 -> INT8 and back.

The seed text's convention is used throughout: the scale factor ``s = 127 / alpha``
*multiplies* (``x_q = clip(round(x * s), -127, 127)``) and dequantization divides
(``x_hat = x_q / s``). Frameworks such as TFLite, ONNX and PyTorch store the reciprocal,
``scale = alpha / 127 = 1 / s``, and divide by it; the two are the same mapping.

Rounding is NumPy's ``rint``: round half to even, as ONNX ``QuantizeLinear`` and PyTorch do.
"""

from __future__ import annotations

import math

import numpy as np

from qdq._checks import (
    as_integer_array,
    as_real_array,
    broadcast_along,
    check_bits,
    int_dtype_for,
    require_finite,
    require_nonempty,
)

__all__ = ["absmax", "scale_factor", "qmax", "quantize", "dequantize", "max_rounding_error"]


def qmax(bits: int = 8) -> int:
    """Largest magnitude of the symmetric signed ``bits``-bit grid: ``2**(bits-1) - 1``.

    Examples
    --------
    >>> qmax(8), qmax(4), qmax(16)
    (127, 7, 32767)
    """
    bits = check_bits(bits)
    return 2 ** (bits - 1) - 1


def absmax(x, axis=None, keepdims: bool = False):
    """Largest absolute value ``alpha = max|x|``, over all of ``x`` or along ``axis``.

    ``axis`` is NumPy's reduction axis: for a weight matrix ``W`` of shape
    ``(out, in)``, ``absmax(W, axis=1)`` gives one alpha per output row.

    Parameters
    ----------
    x : array_like of real numbers
        The data; must be non-empty and finite.
    axis : int or tuple of int, optional
        Axes to reduce over; ``None`` (default) reduces over everything.
    keepdims : bool
        Keep the reduced axes with length one, so the result broadcasts against ``x``.

    Returns
    -------
    alpha : numpy scalar or ndarray
        In the floating dtype of ``x`` (float64 for integer input).

    Raises
    ------
    TypeError
        If ``x`` is not real-valued.
    ValueError
        If ``x`` is empty or holds NaN or infinity.

    Examples
    --------
    >>> absmax([0.13, -0.82, 1.47])
    np.float64(1.47)
    >>> absmax([[1.0, -3.0], [0.5, 0.25]], axis=1)
    array([3. , 0.5])
    """
    arr = as_real_array(x, "x")
    require_nonempty(arr, "x")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    require_finite(arr, "x")
    return np.max(np.abs(arr), axis=axis, keepdims=keepdims)


def scale_factor(alpha, bits: int = 8):
    """Scale factor ``s = (2**(bits-1) - 1) / alpha`` that maps ``[-alpha, alpha]`` onto the grid.

    With ``bits=8`` this is the seed's ``s = 127 / alpha``. The framework convention
    stores ``scale = 1 / s = alpha / 127`` instead.

    Parameters
    ----------
    alpha : float or array_like
        Clipping threshold(s), each finite and > 0 (an array gives one ``s`` per channel).
    bits : int
        Bit width of the signed integer grid, 2 to 32.

    Returns
    -------
    s : numpy scalar or ndarray
        Same shape as ``alpha``.

    Raises
    ------
    ValueError
        If any alpha is <= 0, NaN or infinite, so small that ``s`` overflows, or ``alpha``
        is empty.

    Examples
    --------
    >>> scale_factor(1.27)
    np.float64(100.0)
    >>> scale_factor([1.0, 2.0], bits=4)
    array([7. , 3.5])
    """
    top = qmax(bits)
    a = as_real_array(alpha, "alpha")
    require_nonempty(a, "alpha")
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    require_finite(a, "alpha")
    if np.any(a <= 0):
        raise ValueError("alpha must be > 0 (an all-zero tensor or channel has no scale)")
    with np.errstate(over="ignore"):
        s = top / a
    if not np.all(np.isfinite(s)):
        raise ValueError(f"alpha is too small: s = {top}/alpha overflows {a.dtype}")
    return s


def _check_scale(s, shape, axis) -> np.ndarray:
    arr = as_real_array(s, "s")
    require_nonempty(arr, "s")
    require_finite(arr, "s")
    if np.any(arr <= 0):
        raise ValueError("s must be > 0")
    return broadcast_along(arr, shape, axis, "s")


# Elements per block in quantize: 2**17 float32 values (512 KiB) stay in a core's L2 cache,
# and blocks this big keep the per-block Python overhead small.
_BLOCK = 2**17


def _row_blocks(shape) -> list[slice]:
    """Slices along axis 0 of about ``_BLOCK`` elements each (at least one row); none if empty."""
    row = math.prod(shape[1:])
    if row * shape[0] == 0:
        return []
    step = max(1, _BLOCK // row)
    return [slice(start, start + step) for start in range(0, shape[0], step)]


def quantize(x, s, bits: int = 8, axis=None):
    """Quantize real values to symmetric signed integers: ``clip(rint(x*s), -qmax, qmax)``.

    ``qmax = 2**(bits-1) - 1`` (127 for INT8): the grid is symmetric, so -128 is never
    produced. ``rint`` rounds halves to even (``0.5 -> 0``, ``1.5 -> 2``, ``-2.5 -> -2``).

    Parameters
    ----------
    x : array_like of real numbers
        Values to quantize; must be finite.
    s : float or array_like
        Scale factor(s) > 0, e.g. from :func:`scale_factor`. With ``axis`` set, one per
        slice along that axis (per-channel quantization).
    bits : int
        Width of the signed integer grid, 2 to 32.
    axis : int, optional
        The channel axis that ``s`` varies along (ONNX ``QuantizeLinear``'s meaning).

    Returns
    -------
    q : ndarray
        The smallest NumPy signed integer dtype that holds ``bits`` (int8 for 8).

    Raises
    ------
    TypeError
        If ``x`` or ``s`` is not real-valued.
    ValueError
        If ``x`` holds NaN/inf, ``s`` is not finite and > 0, ``bits`` is out of range,
        or ``s`` does not match ``x`` along ``axis``.

    Notes
    -----
    The work is done in blocks of about ``_BLOCK`` elements in one reused buffer, so the
    only full-size array made is the result (appendix B measures the speed and memory).

    Examples
    --------
    >>> quantize([0.13, -0.82, 1.47], 100.0)
    array([  13,  -82,  127], dtype=int8)
    >>> quantize([0.5, 1.5, 2.5, -2.5], 1.0)
    array([ 0,  2,  2, -2], dtype=int8)
    >>> quantize([[1.0, -1.0], [1.0, -1.0]], [127.0, 63.5], axis=0)
    array([[ 127, -127],
           [  64,  -64]], dtype=int8)
    """
    top = qmax(bits)
    arr = as_real_array(x, "x")
    scale = _check_scale(s, arr.shape, axis)
    shape = arr.shape
    if axis is None:
        arr = arr.reshape(-1)  # one scale for everything: a single long row
    q = np.empty(arr.shape, int_dtype_for(bits))
    blocks = _row_blocks(arr.shape)
    # The float work is done block by block in one small reused buffer, so it stays in
    # the CPU cache and no full-size float temporary is ever made.
    # float32 holds every integer of the grid only up to 24 bits; wider grids work in float64.
    work = np.result_type(arr.dtype, scale.dtype, np.float32 if bits <= 24 else np.float64)
    buffer = np.empty(arr[blocks[0]].size if blocks else 0, dtype=work)
    for rows in blocks:
        x_rows = arr[rows]
        scaled = buffer[: x_rows.size].reshape(x_rows.shape)
        s_rows = scale[rows] if scale.ndim and scale.shape[0] > 1 else scale
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below as ValueError
            np.multiply(x_rows, s_rows, out=scaled, dtype=work)
        np.rint(scaled, out=scaled)  # ties to even
        # min and max look at the block once: they expose NaN/inf (both propagate
        # through rint and min/max) and tell whether anything needs clipping at all.
        low, high = scaled.min(), scaled.max()
        if not (np.isfinite(low) and np.isfinite(high)):
            if not np.isfinite(x_rows).all():  # only on this error path: name the culprit
                raise ValueError("x contains NaN or infinity")
            raise ValueError(f"x * s overflows {work} (NaN or infinity)")
        if low < -top or high > top:
            np.clip(scaled, -top, top, out=scaled)
        q[rows] = scaled  # exact: whole numbers within the integer type's range
    q = q.reshape(shape)
    return q[()] if q.ndim == 0 else q  # a scalar in gives a scalar out, as NumPy's ufuncs do


def dequantize(q, s, axis=None):
    """Map integers back to real values: ``x_hat = q / s``.

    Parameters
    ----------
    q : array_like of integers
        Quantized values.
    s : float or array_like
        The scale factor(s) used to quantize; per slice along ``axis`` if given.
    axis : int, optional
        The channel axis that ``s`` varies along.

    Returns
    -------
    x_hat : ndarray
        Floating point: float32 when ``s`` is float32, else float64.

    Raises
    ------
    TypeError
        If ``q`` is not an integer array or ``s`` is not real-valued.
    ValueError
        If ``s`` is not finite and > 0 or does not match ``q`` along ``axis``.

    Examples
    --------
    >>> dequantize([13, -82, 127], 100.0)
    array([ 0.13, -0.82,  1.27])
    >>> dequantize([[127, -127], [64, -64]], [127.0, 63.5], axis=0)
    array([[ 1.        , -1.        ],
           [ 1.00787402, -1.00787402]])
    """
    arr = as_integer_array(q, "q")
    scale = _check_scale(s, arr.shape, axis)
    out_dtype = np.result_type(scale.dtype, np.float32)
    return np.divide(arr, scale, dtype=out_dtype)


def max_rounding_error(s):
    """Worst-case error ``|x - dequantize(quantize(x, s), s)|`` inside the clip range: ``1/(2s)``.

    Rounding moves a value by at most half a step, and one step is ``1/s``.
    Values beyond ``alpha`` are clipped and can be off by more.

    Examples
    --------
    >>> max_rounding_error(100.0)
    np.float64(0.005)
    """
    scale = as_real_array(s, "s")
    require_finite(scale, "s")
    if np.any(scale <= 0):
        raise ValueError("s must be > 0")
    return 0.5 / scale
