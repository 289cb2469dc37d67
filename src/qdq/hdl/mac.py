"""The multiply-accumulate unit: ``acc <- acc + a*b`` on every enabled clock edge.

Ports (the fixed interface in DESIGN.md):

========  =====  ===========================================================
port      dir    type
========  =====  ===========================================================
clk       in     1 bit, rising edge
rst       in     1 bit, synchronous, active high: ``acc <- 0``
en        in     1 bit: accumulate on this edge (else hold)
clear     in     1 bit: with ``en``, start a new sum: ``acc <- a*b``
a, b      in     8-bit signed
acc       out    32-bit signed, registered
========  =====  ===========================================================

The golden model is :func:`qdq.mac.mac_reference`.
"""

from __future__ import annotations

from myhdl import Signal, always, always_comb, block, intbv, modbv

__all__ = ["ACC_BITS", "OPERAND_BITS", "mac", "mac_ports"]

OPERAND_BITS = 8
ACC_BITS = 32


def mac_ports() -> dict:
    """Fresh signals with the widths and signedness of the ``mac`` ports.

    ``acc`` is a plain ``intbv``: the wrap-around lives in the block's own ``modbv`` register.

    Examples
    --------
    >>> p = mac_ports()
    >>> list(p), len(p["a"]), p["acc"].min, p["acc"].max
    (['clk', 'rst', 'en', 'clear', 'a', 'b', 'acc'], 8, -2147483648, 2147483648)
    """
    op = 2 ** (OPERAND_BITS - 1)
    top = 2 ** (ACC_BITS - 1)
    return {
        "clk": Signal(bool(0)),
        "rst": Signal(bool(0)),
        "en": Signal(bool(0)),
        "clear": Signal(bool(0)),
        "a": Signal(intbv(0, min=-op, max=op)),
        "b": Signal(intbv(0, min=-op, max=op)),
        "acc": Signal(intbv(0, min=-top, max=top)),
    }


@block
def mac(clk, rst, en, clear, a, b, acc):
    """Signed 8x8 multiply-accumulate into a 32-bit register that wraps modulo 2**32.

    On each rising edge of clk: if rst, acc becomes 0; else if en, acc becomes
    (0 if clear else acc) + a*b; else acc holds. The 8x8 product fits in 16 bits,
    so 32 bits hold at least 133144 worst-case products of [-127, 127] values.

    Parameters
    ----------
    clk, rst, en, clear : Signal(bool)
        Clock, synchronous active-high reset, enable and start-a-new-sum.
    a, b : Signal(intbv), 8-bit signed
        Operands.
    acc : Signal(intbv), 32-bit signed
        The registered accumulator.
    """
    # modbv: the adder wraps modulo 2**32 in simulation exactly as it does in hardware;
    # an intbv register would raise on overflow instead.
    total = Signal(modbv(0, min=-(2 ** (ACC_BITS - 1)), max=2 ** (ACC_BITS - 1)))

    @always(clk.posedge)
    def accumulate():
        if rst:
            total.next = 0
        elif en:
            if clear:
                total.next = a * b
            else:
                # Both operands are signed and the target is 32 bits wide, so the
                # converted Verilog sign-extends a*b to 32 bits before the add.
                total.next = total + a * b

    @always_comb
    def drive():
        acc.next = total

    return accumulate, drive
