"""Run the MyHDL blocks in MyHDL's own simulator and return their outputs as NumPy arrays.

These are the testbenches that sit beside the blocks: the tests compare what they return
with the golden model (``qdq.mac_reference``, ``qdq.requantize``, ``qdq.fixed_mul``), and
chapter 7 draws its waveform from :func:`simulate_mac`.
"""

from __future__ import annotations

import numpy as np
from myhdl import block, delay, instance

from qdq._checks import as_integer_array
from qdq.hdl.fxmul import fxmul, fxmul_ports
from qdq.hdl.mac import mac, mac_ports
from qdq.hdl.requant import requant, requant_ports

__all__ = ["CLOCK_PERIOD", "simulate_fxmul", "simulate_mac", "simulate_requant"]

CLOCK_PERIOD = 10  # simulation time units per clock cycle


def _run(bench) -> None:
    inst = bench()
    try:
        inst.run_sim(quiet=1)
    finally:
        inst.quit_sim()


def _operands(names_values: dict, limits: dict) -> dict:
    arrays = {}
    for name, value in names_values.items():
        arr = as_integer_array(value, name).astype(np.int64).ravel()
        lo, hi = limits[name]
        if arr.size and (arr.min() < lo or arr.max() > hi):
            raise ValueError(f"{name} has values outside the port's range [{lo}, {hi}]")
        arrays[name] = arr
    sizes = {arr.size for arr in arrays.values()}
    if len(sizes) != 1:
        raise ValueError(f"inputs must have equal lengths, got {sorted(sizes)}")
    return arrays


def _combinational(unit, ports_factory, inputs: dict, output: str) -> np.ndarray:
    ports = ports_factory()
    limits = {name: (ports[name].min, ports[name].max - 1) for name in inputs}
    arrays = _operands(inputs, limits)
    n = next(iter(arrays.values())).size
    result = np.empty(n, dtype=np.int64)

    @block
    def bench():
        dut = unit(**ports)

        @instance
        def drive():
            for i in range(n):
                for name, arr in arrays.items():
                    ports[name].next = int(arr[i])
                yield delay(1)
                result[i] = int(ports[output].val)  # int(): an intbv prints as hex

        return dut, drive

    _run(bench)
    return result


def simulate_fxmul(a, b) -> np.ndarray:
    """Outputs ``p`` of the ``fxmul`` block for each pair ``(a[i], b[i])`` (Q8.8 integers).

    Examples
    --------
    >>> simulate_fxmul([128, 32767, -32768], [-205, 512, -32768])
    array([ -102,  32767,  32767])
    """
    return _combinational(fxmul, fxmul_ports, {"a": a, "b": b}, "p")


def simulate_requant(acc, m0, shift) -> np.ndarray:
    """Outputs ``y`` of the ``requant`` block for each ``(acc[i], m0[i], shift[i])``.

    Examples
    --------
    >>> from qdq import quantize_multiplier
    >>> m0, n = quantize_multiplier(0.01)
    >>> simulate_requant([-4000, 1234, 10**6], [m0] * 3, [n] * 3)
    array([-40,  12, 127])
    """
    return _combinational(requant, requant_ports, {"acc": acc, "m0": m0, "shift": shift}, "y")


def simulate_mac(a, b, en=None, clear=None, rst=None) -> np.ndarray:
    """``acc`` of the ``mac`` block right after each rising clock edge, one edge per input.

    Inputs are applied half a clock period before each rising edge; ``acc`` is sampled one
    time unit after it. Controls default to ``en = 1``, ``clear = rst = 0``. The register
    starts at 0, as :func:`qdq.mac_reference` assumes.

    Examples
    --------
    >>> simulate_mac([50, 3, -2, 7], [-80, 4, 5, 2], clear=[1, 0, 0, 1])
    array([-4000, -3988, -3998,    14])
    """
    ports = mac_ports()
    arrays = _operands({"a": a, "b": b}, {"a": (-128, 127), "b": (-128, 127)})
    n = arrays["a"].size
    for name, value, default in (("en", en, 1), ("clear", clear, 0), ("rst", rst, 0)):
        if value is None:
            arrays[name] = np.full(n, default, dtype=np.int64)
        else:
            arr = np.asarray(value)
            arr = arr.astype(np.int64) if arr.dtype == np.bool_ else as_integer_array(arr, name)
            if arr.shape != (n,) or (arr.size and not np.isin(arr, (0, 1)).all()):
                raise ValueError(f"{name} must hold {n} values, each 0 or 1")
            arrays[name] = arr.astype(np.int64)
    result = np.empty(n, dtype=np.int64)
    half = CLOCK_PERIOD // 2

    @block
    def bench():
        dut = mac(**ports)

        @instance
        def drive():
            clk = ports["clk"]
            for i in range(n):
                for name in ("a", "b"):
                    ports[name].next = int(arrays[name][i])
                for name in ("en", "clear", "rst"):
                    ports[name].next = bool(arrays[name][i])
                yield delay(half)
                clk.next = 1
                yield delay(1)
                result[i] = int(ports["acc"].val)
                yield delay(half - 1)
                clk.next = 0

        return dut, drive

    _run(bench)
    return result
