"""Two's-complement fixed-point numbers (Q formats) and their multiply.

A Qm.f number here is a ``total_bits``-wide signed integer ``q`` that stands for
``q / 2**frac_bits``. "Q8.8" counts the sign bit among the 8 integer bits (16 bits in all);
ARM's naming would call the same format Q7.8.

Two rounding rules are offered, both as hardware does them:

* ``"floor"``: a plain arithmetic shift ``>> frac_bits`` (the seed's Verilog); rounds toward
  -inf, so on average it is 0.5 LSB low.
* ``"nearest"``: add ``2**(frac_bits-1)`` first, then shift; rounds to nearest with ties
  toward +inf (``floor(v + 1/2)``).

Results saturate to ``[-2**(total_bits-1), 2**(total_bits-1) - 1]`` unless
``saturate=False``, in which case a value that does not fit raises ``ValueError``.
"""

from __future__ import annotations

import numpy as np

from qdq._checks import (
    MAX_BITS,
    as_integer_array,
    as_real_array,
    check_bits,
    int_dtype_for,
    require_finite,
)

__all__ = ["fixed_range", "to_fixed", "from_fixed", "fixed_mul"]

ROUNDING_MODES = ("nearest", "floor")


def _check_format(frac_bits, total_bits) -> tuple[int, int]:
    total_bits = check_bits(total_bits, "total_bits")
    frac_bits = check_bits(frac_bits, "frac_bits", low=0, high=total_bits)
    return frac_bits, total_bits


def _check_rounding(rounding) -> str:
    if rounding not in ROUNDING_MODES:
        raise ValueError(f"rounding must be one of {ROUNDING_MODES}, got {rounding!r}")
    return rounding


def _int_limits(total_bits: int) -> tuple[int, int]:
    return -(2 ** (total_bits - 1)), 2 ** (total_bits - 1) - 1


def _fit(values: np.ndarray, total_bits: int, saturate: bool, what: str) -> np.ndarray:
    lo, hi = _int_limits(total_bits)
    if saturate:
        np.clip(values, lo, hi, out=values)  # values is always a temporary of the caller's
    elif values.size and (values.min() < lo or values.max() > hi):
        raise ValueError(
            f"{what} does not fit {total_bits}-bit two's complement [{lo}, {hi}] "
            "and saturate=False"
        )
    fitted = values.astype(int_dtype_for(total_bits))
    return fitted[()] if fitted.ndim == 0 else fitted  # a scalar in gives a scalar out


def fixed_range(frac_bits: int = 8, total_bits: int = 16) -> tuple[float, float, float]:
    """Smallest value, largest value and resolution (one LSB) of a signed Q format.

    Examples
    --------
    >>> fixed_range(8, 16)
    (-128.0, 127.99609375, 0.00390625)
    """
    frac_bits, total_bits = _check_format(frac_bits, total_bits)
    lo, hi = _int_limits(total_bits)
    lsb = 2.0**-frac_bits
    return lo * lsb, hi * lsb, lsb


def to_fixed(x, frac_bits: int = 8, total_bits: int = 16, rounding: str = "nearest",
             saturate: bool = True):
    """Convert real values to fixed point: round ``x * 2**frac_bits`` to an integer.

    Parameters
    ----------
    x : array_like of real numbers
        Finite values.
    frac_bits, total_bits : int
        The format: ``total_bits`` in 2..32 including the sign, ``frac_bits`` in 0..total_bits.
    rounding : {"nearest", "floor"}
        ``"nearest"`` is ``floor(v + 1/2)`` (ties toward +inf); ``"floor"`` truncates toward -inf.
    saturate : bool
        Clip out-of-range values to the format's limits (default); if False, raise instead.

    Returns
    -------
    q : ndarray
        Smallest signed NumPy integer dtype holding ``total_bits`` (int16 for Q8.8).

    Examples
    --------
    >>> to_fixed([0.5, -0.8, 1.0])
    array([ 128, -205,  256], dtype=int16)
    >>> to_fixed([-0.8], rounding="floor")
    array([-205], dtype=int16)
    >>> to_fixed([200.0, -200.0])
    array([ 32767, -32768], dtype=int16)
    """
    frac_bits, total_bits = _check_format(frac_bits, total_bits)
    _check_rounding(rounding)
    arr = as_real_array(x, "x")
    require_finite(arr, "x")
    # The one float64 temporary, reused in place (an array even for scalar input).
    scaled = np.asarray(np.multiply(arr, 2.0**frac_bits, dtype=np.float64))
    if rounding == "nearest":
        scaled += 0.5
    np.floor(scaled, out=scaled)
    return _fit(scaled, total_bits, saturate, "x")


def from_fixed(q, frac_bits: int = 8):
    """Real value of fixed-point integers: ``q / 2**frac_bits``.

    Examples
    --------
    >>> from_fixed([128, -205, 256])
    array([ 0.5       , -0.80078125,  1.        ])
    """
    frac_bits = check_bits(frac_bits, "frac_bits", low=0, high=MAX_BITS)
    arr = as_integer_array(q, "q")
    return arr / 2.0**frac_bits


def fixed_mul(a, b, frac_bits: int = 8, total_bits: int = 16, rounding: str = "nearest",
              saturate: bool = True):
    """Multiply two fixed-point numbers as hardware does: integer product, then shift.

    The exact product of two Qm.f numbers has ``2*frac_bits`` fraction bits (Q8.8 x Q8.8
    is Q16.16 in 32 bits); shifting right by ``frac_bits`` brings it back to Qm.f and
    saturation keeps it in ``total_bits``.

    Parameters
    ----------
    a, b : array_like of integers
        Fixed-point operands, each within ``total_bits`` two's complement.
    frac_bits, total_bits : int
        The format of both operands and of the result.
    rounding : {"nearest", "floor"}
        ``"floor"``: ``(a*b) >> frac_bits`` (the seed's shift). ``"nearest"``:
        ``(a*b + 2**(frac_bits-1)) >> frac_bits``, ties toward +inf.
    saturate : bool
        Clip to the format's limits (default); if False, raise when the result does not fit.

    Returns
    -------
    p : ndarray
        Same dtype as :func:`to_fixed` gives for ``total_bits``.

    Raises
    ------
    TypeError
        If an operand is not an integer array.
    ValueError
        If an operand is outside the format, or the result overflows with ``saturate=False``.

    Examples
    --------
    >>> a, b = to_fixed([0.5, 0.5]), to_fixed([-0.8, 0.75])
    >>> fixed_mul(a, b)
    array([-102,   96], dtype=int16)
    >>> fixed_mul(a, b, rounding="floor")
    array([-103,   96], dtype=int16)
    >>> fixed_mul(to_fixed([100.0]), to_fixed([2.0]))
    array([32767], dtype=int16)
    """
    frac_bits, total_bits = _check_format(frac_bits, total_bits)
    _check_rounding(rounding)
    lo, hi = _int_limits(total_bits)
    ops = []
    for name, value in (("a", a), ("b", b)):
        arr = as_integer_array(value, name)
        if arr.size and (arr.min() < lo or arr.max() > hi):
            raise ValueError(f"{name} has values outside {total_bits}-bit two's complement [{lo}, {hi}]")
        ops.append(arr)
    # |a*b| <= 2**(2*total_bits - 2), so an integer type of 2*total_bits bits holds the exact
    # product and the rounding nudge (int32 for Q8.8); the steps below then work in place.
    product = np.asarray(np.multiply(ops[0], ops[1], dtype=int_dtype_for(2 * total_bits)))
    if rounding == "nearest" and frac_bits > 0:
        product += 1 << (frac_bits - 1)
    product >>= frac_bits  # arithmetic shift: floor division by 2**frac_bits
    return _fit(product, total_bits, saturate, "the product")
