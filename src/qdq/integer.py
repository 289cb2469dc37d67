"""Integer arithmetic after quantization: accumulator widths and requantization.

``requantize`` follows gemmlowp (``fixedpoint/fixedpoint.h``) and TFLite bit for bit:
a real multiplier ``M`` (for example ``s_out / (s_in * s_w)``) becomes an int32 ``m0``
and a right shift ``n`` with ``M ~= m0 * 2**-31 * 2**-n``, and an int32 accumulator is
rescaled by

1. ``SaturatingRoundingDoublingHighMul(acc, m0)``: the high 32 bits of ``2*acc*m0``, i.e.
   ``acc*m0 / 2**31`` rounded to nearest with ties toward +inf (the nudge is ``+2**30`` for a
   non-negative product, ``1 - 2**30`` for a negative one, then C's truncating division);
2. ``RoundingDivideByPOT(x, n)``: ``x / 2**n`` rounded to nearest, ties away from zero;
3. saturation to ``[-(2**(bits-1)-1), 2**(bits-1)-1]`` (the book's symmetric grid).
"""

from __future__ import annotations

import math

import numpy as np

from qdq._checks import as_integer_array, check_bits, int_dtype_for
from qdq.quant import qmax

__all__ = [
    "INT32_MIN",
    "INT32_MAX",
    "accumulator_bits",
    "max_terms",
    "quantize_multiplier",
    "saturating_rounding_doubling_high_mul",
    "rounding_divide_by_pot",
    "requantize",
    "int_matmul",
]

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def accumulator_bits(n_terms: int, bits: int = 8) -> int:
    """Signed accumulator width that holds any sum of ``n_terms`` products of ``bits``-bit values.

    Operands lie in ``[-qmax, qmax]`` (the symmetric grid), so each product is at most
    ``qmax**2`` in magnitude and the sum at most ``n_terms * qmax**2``.

    Examples
    --------
    >>> accumulator_bits(1)          # 127 * 127 = 16129 < 2**14: 14 bits plus sign
    15
    >>> accumulator_bits(1, bits=9)  # 255 * 255 = 65025 < 2**16
    17
    >>> accumulator_bits(133144), accumulator_bits(133145)
    (32, 33)
    """
    if isinstance(n_terms, bool) or not isinstance(n_terms, (int, np.integer)) or n_terms < 1:
        raise ValueError(f"n_terms must be a positive integer, got {n_terms!r}")
    largest = int(n_terms) * qmax(bits) ** 2
    return largest.bit_length() + 1


def max_terms(acc_bits: int = 32, bits: int = 8) -> int:
    """Longest dot product of ``bits``-bit symmetric values that never overflows ``acc_bits``.

    Examples
    --------
    >>> max_terms()                  # int32 and INT8 in [-127, 127]
    133144
    >>> max_terms(16)
    2
    """
    acc_bits = check_bits(acc_bits, "acc_bits", low=2, high=64)
    return (2 ** (acc_bits - 1) - 1) // qmax(bits) ** 2


def quantize_multiplier(multiplier: float) -> tuple[int, int]:
    """Split a real multiplier ``0 < M < 1`` into ``(m0, n)`` with ``M ~= m0 * 2**-31 * 2**-n``.

    ``m0`` lies in ``[2**30, 2**31)`` (a Q0.31 number in ``[0.5, 1)``) and ``n`` in ``0..31``
    is a right shift, as TFLite's ``QuantizeMultiplierSmallerThanOneExp`` computes it
    (``frexp``, then ``m0 = round(q * 2**31)`` with ties away from zero). The one place it
    departs from TFLite: an ``M`` within ``2**-32`` of 1 rounds to 1.0, which TFLite rejects;
    here it becomes ``(2**31 - 1, 0)``, the nearest value with ``n >= 0``.

    Raises
    ------
    ValueError
        If ``M`` is not finite, not in ``(0, 1)``, or so small that ``n`` would exceed 31.

    Examples
    --------
    >>> quantize_multiplier(0.5)
    (1073741824, 0)
    >>> quantize_multiplier(0.9999999999999999)
    (2147483647, 0)
    >>> m0, n = quantize_multiplier(0.0123)
    >>> m0, n, m0 * 2.0**-31 * 2.0**-n
    (1690499128, 6, 0.012300000002142042)
    """
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float, np.integer, np.floating)):
        raise TypeError(f"multiplier must be a real number, got {type(multiplier).__name__}")
    m = float(multiplier)
    if not math.isfinite(m) or not 0.0 < m < 1.0:
        raise ValueError(f"multiplier must be finite and in (0, 1), got {multiplier!r}")
    q, exponent = math.frexp(m)  # m = q * 2**exponent, 0.5 <= q < 1, exponent <= 0
    m0 = math.floor(q * 2**31 + 0.5)  # q > 0, so this is round-half-away-from-zero
    if m0 == 2**31:  # q rounded up to 1.0
        m0, exponent = 2**30, exponent + 1
        if exponent > 0:  # M rounds to 1.0, which needs n = -1; keep n >= 0 (the hardware's
            m0, exponent = 2**31 - 1, 0  # unsigned shift port) with the nearest Q0.31 value
    n = -exponent
    if n > 31:
        raise ValueError(f"multiplier {multiplier!r} needs a right shift of {n} > 31")
    return int(m0), int(n)


def _int32_operand(value, name: str) -> np.ndarray:
    arr = as_integer_array(value, name)
    if arr.size and (arr.min() < INT32_MIN or arr.max() > INT32_MAX):
        raise ValueError(f"{name} has values outside int32 [{INT32_MIN}, {INT32_MAX}]")
    return arr.astype(np.int64)


def saturating_rounding_doubling_high_mul(a, b):
    """gemmlowp's ``SaturatingRoundingDoublingHighMul``: ``a * b / 2**31`` rounded, on int32.

    Rounds to nearest with ties toward +inf (``floor(a*b/2**31 + 1/2)``): the nudge makes
    C's truncating division act like that for both signs. The single overflowing case
    ``a == b == INT32_MIN`` saturates to ``INT32_MAX``.

    Examples
    --------
    >>> saturating_rounding_doubling_high_mul([1000, -1000, 3, -3], 2**30)
    array([ 500, -500,    2,   -1])
    >>> saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN)
    array(2147483647)
    """
    a64, b64 = _int32_operand(a, "a"), _int32_operand(b, "b")
    product = a64 * b64  # |product| <= 2**62: exact in int64
    nudge = np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    total = product + nudge
    # C's integer division truncates toward zero; >> floors, so mirror negative values.
    high = np.where(total >= 0, total >> 31, -((-total) >> 31))
    overflow = (a64 == INT32_MIN) & (b64 == INT32_MIN)
    return np.where(overflow, INT32_MAX, high)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp's ``RoundingDivideByPOT``: ``x / 2**exponent`` rounded, ties away from zero.

    Examples
    --------
    >>> rounding_divide_by_pot([5, 6, 7, -5, -6, -7], 2)
    array([ 1,  2,  2, -1, -2, -2])
    """
    x64 = _int32_operand(x, "x")
    exp = as_integer_array(exponent, "exponent").astype(np.int64)
    if exp.size and (exp.min() < 0 or exp.max() > 31):
        raise ValueError("exponent must be in 0..31")
    mask = (np.int64(1) << exp) - 1
    remainder = x64 & mask
    threshold = (mask >> 1) + (x64 < 0)
    return (x64 >> exp) + (remainder > threshold)


def requantize(acc, m0, n, bits: int = 8):
    """Rescale int32 accumulators by ``M ~= m0 * 2**-31 * 2**-n`` to ``bits``-bit integers.

    ``saturate(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, m0), n))`` to
    ``[-(2**(bits-1)-1), 2**(bits-1)-1]``, bit for bit as gemmlowp and TFLite (before
    adding a zero point, which this symmetric scheme does not use).

    Parameters
    ----------
    acc : array_like of int
        Accumulators, each within int32.
    m0 : int or array_like of int
        Int32 multiplier(s), normally from :func:`quantize_multiplier`; broadcasts with ``acc``.
    n : int or array_like of int
        Right shift(s) in ``0..31``.
    bits : int
        Width of the output grid.

    Returns
    -------
    y : ndarray
        Smallest signed NumPy integer dtype holding ``bits``.

    Examples
    --------
    >>> m0, n = quantize_multiplier(0.01)
    >>> requantize([-4000, 1234, 50, 150, 10**6], m0, n)
    array([-40,  12,   1,   2, 127], dtype=int8)
    """
    top = qmax(bits)
    high = saturating_rounding_doubling_high_mul(acc, m0)
    shifted = rounding_divide_by_pot(high, n)
    return np.clip(shifted, -top, top).astype(int_dtype_for(bits))


def _max_abs(arr: np.ndarray) -> int:
    return max(abs(int(arr.min())), abs(int(arr.max()))) if arr.size else 0


def int_matmul(a_q, b_q, bias=None):
    """Integer matrix product ``a_q @ b_q (+ bias)`` with an int32 result, checked for overflow.

    The product is computed exactly (in int64 when that cannot overflow, in Python
    integers otherwise) and then checked against the int32 range, so a result that an
    int32 accumulator cannot hold raises instead of wrapping silently as ONNX Runtime's
    ``MatMulInteger`` does. Checking the final sum is the right test for a two's-complement
    accumulator that wraps modulo ``2**32`` (like the book's ``mac`` unit): partial sums may
    wrap on the way, yet the final value is exact whenever it fits.

    Guaranteed-safe inner dimension: with operands on the book's symmetric INT8 grid
    ``[-127, 127]``, any ``K <= max_terms() = 133144`` fits int32; with the full int8 range
    (``-128`` included, as ONNX allows) the bound is ``(2**31 - 1) // 128**2 = 131071``.
    Longer products may still fit, but nothing is promised; that is what the check is for.

    Parameters
    ----------
    a_q : array_like of int, shape (..., M, K) or (K,)
        Left operand, typically int8 activations.
    b_q : array_like of int, shape (..., K, N) or (K,)
        Right operand, typically int8 weights transposed to ``(in, out)``.
    bias : array_like of int, optional
        Int32 values added to the exact product before the check (a layer's bias, whose
        scale must be the product of the operands' scales); broadcasts like NumPy.

    Returns
    -------
    acc : ndarray of int32
        Shape as ``numpy.matmul`` gives.

    Raises
    ------
    TypeError
        If an operand or the bias is not an integer array.
    ValueError
        If an operand is 0-d, the inner dimensions differ, or the bias lies outside int32.
    OverflowError
        If the exact result does not fit int32 (``OverflowError`` is an ``ArithmeticError``).

    Examples
    --------
    >>> int_matmul([[50, -20]], [[-80], [3]])
    array([[-4060]], dtype=int32)
    >>> int_matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]], bias=[100, -100])
    array([[119, -78],
           [143, -50]], dtype=int32)
    >>> max_terms(), (INT32_MAX) // 128**2
    (133144, 131071)
    >>> k = max_terms() + 1
    >>> k * 127 * 127 > INT32_MAX
    True
    >>> int_matmul(np.full((1, k), 127, np.int8), np.full((k, 1), 127, np.int8))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    OverflowError: int_matmul result 2147495705 is outside int32 [-2147483648, 2147483647]; ...
    """
    a = as_integer_array(a_q, "a_q")
    b = as_integer_array(b_q, "b_q")
    for name, arr in (("a_q", a), ("b_q", b)):
        if arr.ndim == 0:
            raise ValueError(f"{name} must have at least one dimension, got a scalar")
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim >= 2 else b.shape[0]
    if k_a != k_b:
        raise ValueError(f"inner dimensions differ: a_q has {k_a} columns but b_q has {k_b} rows")
    bias_abs = 0
    if bias is not None:
        bias_arr = as_integer_array(bias, "bias")
        bias_abs = _max_abs(bias_arr)
        if bias_arr.size and (int(bias_arr.min()) < INT32_MIN or int(bias_arr.max()) > INT32_MAX):
            raise ValueError(f"bias has values outside int32 [{INT32_MIN}, {INT32_MAX}]")
    # int64 is exact when no partial sum can exceed it; otherwise use exact Python integers.
    exact_in_int64 = k_a * _max_abs(a) * _max_abs(b) + bias_abs <= np.iinfo(np.int64).max
    work = np.int64 if exact_in_int64 else object
    acc = np.matmul(a.astype(work), b.astype(work))
    if bias is not None:
        acc = acc + bias_arr.astype(work)
    acc = np.asarray(acc)
    if acc.size:
        low, high = int(acc.min()), int(acc.max())
        if low < INT32_MIN or high > INT32_MAX:
            worst = high if high > INT32_MAX else low
            raise OverflowError(
                f"int_matmul result {worst} is outside int32 [{INT32_MIN}, {INT32_MAX}]; inner "
                f"dimension K={k_a} (safe for any [-127, 127] operands up to max_terms()={max_terms()})"
            )
    return acc.astype(np.int32)
