"""Q8.8 fixed-point multiply with round-to-nearest and saturation (combinational).

Ports (the fixed interface in DESIGN.md): ``a[15:0]``, ``b[15:0]`` in, ``p[15:0]`` out,
all signed Q8.8 (8 integer bits including the sign, 8 fraction bits).

The golden model is :func:`qdq.fixed_mul` with ``rounding="nearest"`` and saturation:
``p = clip((a*b + 128) >> 8, -32768, 32767)`` with an arithmetic (sign-filling) shift.
This is the corrected form of the seed's snippet, whose unsigned wires and plain ``>> 8``
break on negative operands and overflow.
"""

from __future__ import annotations

from myhdl import Signal, always_comb, block, intbv

__all__ = ["FRAC_BITS", "WIDTH", "fxmul", "fxmul_ports"]

WIDTH = 16
FRAC_BITS = 8
P_MAX = 2 ** (WIDTH - 1) - 1
P_MIN = -(2 ** (WIDTH - 1))
HALF = 1 << (FRAC_BITS - 1)  # +0.5 LSB of the result: makes the shift round to nearest


def fxmul_ports() -> dict:
    """Fresh signals with the widths and signedness of the ``fxmul`` ports.

    Examples
    --------
    >>> p = fxmul_ports()
    >>> list(p), [len(s) for s in p.values()], p["p"].min
    (['a', 'b', 'p'], [16, 16, 16], -32768)
    """
    return {name: Signal(intbv(0, min=P_MIN, max=P_MAX + 1)) for name in ("a", "b", "p")}


@block
def fxmul(a, b, p):
    """Q8.8 x Q8.8 -> Q8.8: p = saturate((a*b + 128) >>> 8), all signed 16 bit.

    The exact product is Q16.16 in 32 bits. Adding 128 (half an output LSB) before the
    arithmetic shift rounds to nearest, ties toward +inf. The shifted value can need 24 bits;
    saturation clips it to [-32768, 32767] instead of dropping its top bits.

    Parameters
    ----------
    a, b : Signal(intbv), 16-bit signed
        Q8.8 operands.
    p : Signal(intbv), 16-bit signed
        Q8.8 product.
    """
    product = Signal(intbv(0, min=-(2 ** (2 * WIDTH - 1)), max=2 ** (2 * WIDTH - 1)))
    # |a*b| <= 2**30, so (a*b + 128) >> 8 needs only 23 bits plus sign; it is kept 32 bits
    # wide so that every Verilog expression has one width (no silent truncation to lint).
    rounded = Signal(intbv(0, min=-(2 ** (2 * WIDTH - 1)), max=2 ** (2 * WIDTH - 1)))

    @always_comb
    def multiply():
        product.next = a * b

    @always_comb
    def round_shift():
        # Signed operand: MyHDL emits Verilog >>> (sign-filling) and VHDL shift_right on signed.
        rounded.next = (product + HALF) >> FRAC_BITS

    @always_comb
    def saturate():
        if rounded > P_MAX:
            p.next = P_MAX
        elif rounded < P_MIN:
            p.next = P_MIN
        else:
            p.next = rounded[WIDTH:].signed()

    return multiply, round_shift, saturate
