"""Requantizer: int32 accumulator -> int8, gemmlowp/TFLite semantics bit for bit (combinational).

Ports (the fixed interface in DESIGN.md): ``acc[31:0]`` and ``m0[31:0]`` signed, ``shift[4:0]``
unsigned in; ``y[7:0]`` signed out, with ``y = qdq.requantize(acc, m0, shift, bits=8)``:

1. ``SaturatingRoundingDoublingHighMul(acc, m0)``: gemmlowp adds a nudge of ``2**30``
   (``1 - 2**30`` for a negative product) to the 64-bit product and divides by ``2**31``
   with C's truncation. For every product ``p`` that equals ``floor((p + 2**30) / 2**31)``,
   which in hardware is bits ``[62:31]`` of ``p`` plus its bit 30: no adder for the nudge.
   The one overflowing case ``acc == m0 == INT32_MIN`` gives ``INT32_MAX``.
2. ``RoundingDivideByPOT(high, shift)``: an arithmetic shift right, plus one when the dropped
   bits are more than half an output LSB, or exactly half and ``high >= 0`` (ties away from zero).
3. Saturation to ``[-127, 127]``.

Written to convert cleanly (Icarus ``-Wall``, Verilator ``--lint-only -Wall`` and GHDL) to
both Verilog and VHDL: no negative constant signals, no ``1 << shift`` with a literal 1
(MyHDL turns that into invalid VHDL, myhdl issue 367), no ``32 - shift`` (MyHDL's VHDL computes it
in 6 signed bits, where 32 wraps to -32) and no constant of ``2**30`` or more
(MyHDL prints those as sized *unsigned* Verilog literals).
"""

from __future__ import annotations

from myhdl import Signal, always_comb, block, intbv, modbv

__all__ = ["requant", "requant_ports"]

ACC_BITS = 32
OUT_BITS = 8
SHIFT_BITS = 5
Y_MAX = 2 ** (OUT_BITS - 1) - 1  # 127: the book's symmetric grid
_MAX_HALF = 2 ** (ACC_BITS - 2) - 1  # INT32_MAX == 2*_MAX_HALF + 1, spelled with small constants


def requant_ports() -> dict:
    """Fresh signals with the widths and signedness of the ``requant`` ports.

    Examples
    --------
    >>> p = requant_ports()
    >>> list(p), [len(s) for s in p.values()], p["shift"].min, p["y"].min
    (['acc', 'm0', 'shift', 'y'], [32, 32, 5, 8], 0, -128)
    """
    top = 2 ** (ACC_BITS - 1)
    return {
        "acc": Signal(intbv(0, min=-top, max=top)),
        "m0": Signal(intbv(0, min=-top, max=top)),
        "shift": Signal(intbv(0)[SHIFT_BITS:]),
        "y": Signal(intbv(0, min=-(2 ** (OUT_BITS - 1)), max=2 ** (OUT_BITS - 1))),
    }


@block
def requant(acc, m0, shift, y):
    """y = clip(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, m0), shift), -127, 127).

    gemmlowp fixedpoint.h semantics, as TFLite's MultiplyByQuantizedMultiplier with a right
    shift. high = product[62:31] + product[30] is the rounded high word of 2*acc*m0
    (INT32_MAX when acc == m0 == INT32_MIN, written 1073741823 + 1073741823 + 1 because
    MyHDL prints constants from 2**30 up as unsigned literals). The shift drops bits;
    aligned = high[30:0] << (31 - shift), written << ~shift, left-aligns them in 31 bits:
    bit 30 is the half-LSB bit and bits 29..0 tell a tie from more than half.

    Parameters
    ----------
    acc, m0 : Signal(intbv), 32-bit signed
        Accumulator and Q0.31 multiplier (normally in [2**30, 2**31)).
    shift : Signal(intbv), 5-bit unsigned
        Right shift, 0..31.
    y : Signal(intbv), 8-bit signed
        Requantized output in [-127, 127].
    """
    wide = 2 ** (2 * ACC_BITS - 1)
    top = 2 ** (ACC_BITS - 1)
    product = Signal(intbv(0, min=-wide, max=wide))  # exact: |acc*m0| <= 2**62
    overflow = Signal(bool(0))
    high = Signal(intbv(0, min=-top, max=top))  # SaturatingRoundingDoublingHighMul
    aligned = Signal(modbv(0)[ACC_BITS - 1 :])  # the bits the shift drops, left-aligned
    round_up = Signal(bool(0))
    # RoundingDivideByPOT. modbv because MyHDL settles combinational logic in delta cycles:
    # a stale round_up can meet a new high for a moment (INT32_MAX + 1); the settled value fits.
    rounded = Signal(modbv(0, min=-top, max=top))

    @always_comb
    def multiply():
        product.next = acc * m0

    @always_comb
    def detect_overflow():
        # acc == m0 == -2**31, tested bit by bit: -2**31 is no VHDL integer.
        overflow.next = (acc[ACC_BITS - 1] and acc[ACC_BITS - 1 :] == 0
                         and m0[ACC_BITS - 1] and m0[ACC_BITS - 1 :] == 0)

    @always_comb
    def high_word():
        if overflow:
            high.next = _MAX_HALF + _MAX_HALF + 1
        elif product[ACC_BITS - 2]:
            high.next = product[2 * ACC_BITS - 1 : ACC_BITS - 1].signed() + 1
        else:
            high.next = product[2 * ACC_BITS - 1 : ACC_BITS - 1].signed()

    @always_comb
    def align():
        # At most 31 bits are dropped, so the low 31 bits of high suffice; modbv keeps
        # 31 bits of the left shift, as the hardware does. For a 5-bit shift, ~shift is
        # 31 - shift without a subtraction (whose width differs between Verilog and VHDL).
        aligned.next = high[ACC_BITS - 1 :] << ~shift

    @always_comb
    def decide():
        # Bit 30 of aligned is worth half an output LSB; bits 29..0 are the rest.
        # gemmlowp rounds up above half, and at exactly half only when high >= 0.
        round_up.next = aligned[ACC_BITS - 2] and (aligned[ACC_BITS - 2 :] != 0 or high >= 0)

    @always_comb
    def divide():
        if round_up:
            rounded.next = (high >> shift) + 1
        else:
            rounded.next = high >> shift

    @always_comb
    def saturate():
        if rounded > Y_MAX:
            y.next = Y_MAX
        elif rounded < -Y_MAX:
            y.next = -Y_MAX
        else:
            y.next = rounded[OUT_BITS:].signed()

    return multiply, detect_overflow, high_word, align, decide, divide, saturate
