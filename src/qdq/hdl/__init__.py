"""Hardware for the book's chapter 7: MyHDL blocks, their export to Verilog/VHDL, synthesis numbers.

One ``@block`` per unit, with the ports fixed by DESIGN.md ("Hardware contracts"):

* :func:`mac`: 8x8 signed multiply-accumulate into a wrapping 32-bit register;
* :func:`requant`: int32 accumulator to int8, gemmlowp semantics (``qdq.requantize``);
* :func:`fxmul`: Q8.8 multiply, rounding and saturating (``qdq.fixed_mul``).

``export_hdl`` writes them as reproducible Verilog/VHDL; ``python -m qdq export-hdl`` is its
command line. Importing this package needs MyHDL (``qdq`` itself does not).
"""

from qdq.hdl.export import HDL_CHOICES, MODULES, export_hdl, normalize_hdl
from qdq.hdl.fxmul import fxmul, fxmul_ports
from qdq.hdl.mac import mac, mac_ports
from qdq.hdl.requant import requant, requant_ports

__all__ = [
    "HDL_CHOICES",
    "MODULES",
    "export_hdl",
    "fxmul",
    "fxmul_ports",
    "mac",
    "mac_ports",
    "normalize_hdl",
    "requant",
    "requant_ports",
]
