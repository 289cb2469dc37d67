"""Cycle-level reference of the multiply-accumulate (MAC) unit, one clock edge per sample.

This is the golden model of the hardware ``mac`` block (``qdq.hdl.mac``): an int32
register ``acc`` updated at every rising clock edge by

* ``rst``: ``acc <- 0`` (synchronous, active high, wins over everything else);
* else if ``en``: ``acc <- (0 if clear else acc) + a*b``, wrapping modulo ``2**32``
  as a 32-bit two's-complement adder does;
* else: ``acc`` holds its value.

It is written with plain Python integers, one cycle at a time, so that it is an
independent reference for the MyHDL block and the exported Verilog rather than a copy of them.
"""

from __future__ import annotations

import numpy as np

from qdq._checks import as_integer_array

__all__ = ["ACC_BITS", "wrap_int32", "mac_reference"]

ACC_BITS = 32
_MODULUS = 1 << ACC_BITS
_HALF = 1 << (ACC_BITS - 1)


def wrap_int32(value: int) -> int:
    """Reduce a Python integer modulo ``2**32`` into int32 ``[-2**31, 2**31)``.

    Examples
    --------
    >>> wrap_int32(2**31), wrap_int32(-2**31 - 1), wrap_int32(-5)
    (-2147483648, 2147483647, -5)
    """
    return (int(value) + _HALF) % _MODULUS - _HALF


def _control(value, name: str, length: int, default: int) -> np.ndarray:
    if value is None:
        return np.full(length, default, dtype=np.int64)
    arr = np.asarray(value)
    if arr.dtype != np.bool_:
        arr = as_integer_array(arr, name)
    arr = np.broadcast_to(arr, (length,)) if arr.ndim == 0 else arr
    if arr.shape != (length,):
        raise ValueError(f"{name} must have one value per cycle ({length}), got shape {arr.shape}")
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0/1 (or booleans)")
    return arr.astype(np.int64)


def mac_reference(a, b, en=None, clear=None, rst=None, acc0: int = 0):
    """Trace of the MAC's ``acc`` register after each rising clock edge.

    Parameters
    ----------
    a, b : array_like of int, shape (n,)
        The 8-bit signed operands presented before each edge, in ``[-128, 127]``.
    en, clear, rst : array_like of 0/1 or bool, shape (n,), optional
        Control inputs per edge. Defaults: ``en`` all 1, ``clear`` and ``rst`` all 0.
    acc0 : int
        Register value before the first edge (the MyHDL and Verilog models start at 0).

    Returns
    -------
    acc : ndarray of int64, shape (n,)
        ``acc[i]`` is the register value right after edge ``i``, always within int32.

    Raises
    ------
    TypeError
        If an operand or control is not integer (or boolean).
    ValueError
        If the lengths differ, an operand is outside int8, a control is not 0/1, or ``acc0``
        is outside int32.

    Examples
    --------
    A three-term dot product, then a clear that starts a new sum, a hold and a reset:

    >>> mac_reference([50, 3, -2, 7, 7, 7], [-80, 4, 5, 2, 2, 2],
    ...               en=[1, 1, 1, 1, 0, 1], clear=[1, 0, 0, 1, 0, 0], rst=[0, 0, 0, 0, 0, 1])
    array([-4000, -3988, -3998,    14,    14,     0])

    The adder wraps modulo 2**32 like hardware:

    >>> mac_reference([-128, -128], [-128, -128], acc0=2**31 - 16384)
    array([-2147483648, -2147467264])
    """
    a_arr = as_integer_array(a, "a")
    b_arr = as_integer_array(b, "b")
    if a_arr.ndim != 1 or a_arr.shape != b_arr.shape:
        raise ValueError(
            f"a and b must be 1-D and of equal length, got shapes {a_arr.shape} and {b_arr.shape}"
        )
    for name, arr in (("a", a_arr), ("b", b_arr)):
        if arr.size and (arr.min() < -128 or arr.max() > 127):
            raise ValueError(f"{name} has values outside int8 [-128, 127]")
    if isinstance(acc0, (bool, np.bool_)) or not isinstance(acc0, (int, np.integer)):
        raise TypeError(f"acc0 must be an integer, got {type(acc0).__name__}")
    if not -_HALF <= acc0 < _HALF:
        raise ValueError(f"acc0 must be within int32, got {acc0}")
    n = a_arr.size
    en_arr = _control(en, "en", n, 1)
    clear_arr = _control(clear, "clear", n, 0)
    rst_arr = _control(rst, "rst", n, 0)

    trace = np.empty(n, dtype=np.int64)
    acc = int(acc0)
    for i in range(n):
        if rst_arr[i]:
            acc = 0
        elif en_arr[i]:
            base = 0 if clear_arr[i] else acc
            acc = wrap_int32(base + int(a_arr[i]) * int(b_arr[i]))
        trace[i] = acc
    return trace
