"""Test vectors for the hardware blocks, and the golden model's answer for them.

Random vectors come from a seeded ``numpy.random.Generator``; the corner sets list by hand
the cases the hardware is most likely to get wrong (saturation at both ends, rounding ties
of both signs, ``INT32_MIN``/``INT32_MAX``, shifts 0 and 31, accumulations that wrap).
:func:`golden` answers with the NumPy library (``qdq.fixed_mul``, ``qdq.requantize``,
``qdq.mac_reference``), never with the hardware description itself.
"""

from __future__ import annotations

import itertools

import numpy as np

from qdq.fixed import fixed_mul
from qdq.integer import INT32_MAX, INT32_MIN, quantize_multiplier, requantize
from qdq.mac import mac_reference

__all__ = ["TEST_VECTORS", "corner_vectors", "full_vectors", "golden", "random_vectors", "wrap_vectors"]

TEST_VECTORS = 10_000  # random vectors per module in the test suite (MyHDL and Icarus)
_I16 = (-(2**15), 2**15 - 1)


def _cat(*parts: dict) -> dict:
    return {k: np.concatenate([np.asarray(p[k], dtype=np.int64) for p in parts]) for k in parts[0]}


def random_vectors(name: str, n: int, seed: int = 0) -> dict:
    """``n`` random input vectors for module ``name`` (``"mac"``, ``"requant"`` or ``"fxmul"``).

    * ``fxmul``: half uniform over all 16-bit pairs (mostly saturating), half with magnitudes
      spread over every bit length so that most products land inside Q8.8.
    * ``requant``: half with a real multiplier's ``m0`` in ``[2**30, 2**31)``, half with any
      int32 ``m0``; accumulators spread over every bit length; shifts uniform in 0..31.
    * ``mac``: uniform int8 operands; ``en`` 90 %, ``clear`` 2 %, ``rst`` 0.5 % of cycles, and
      ``rst`` in the first cycle (a Verilog register is unknown until reset).

    Examples
    --------
    >>> v = random_vectors("requant", 4, seed=1)
    >>> sorted(v), v["shift"].dtype
    (['acc', 'm0', 'shift'], dtype('int64'))
    """
    rng = np.random.default_rng(seed)

    def spread(size, bits):  # magnitudes of every bit length 0..bits-1, both signs
        k = rng.integers(0, bits, size)
        return rng.integers(-(2**k), 2**k, dtype=np.int64)

    if name == "fxmul":
        half = n // 2
        uniform = {k: rng.integers(*_I16, half, endpoint=True) for k in ("a", "b")}
        spreads = {"a": spread(n - half, 16), "b": spread(n - half, 16)}
        return _cat(uniform, spreads)
    if name == "requant":
        half = n // 2
        m0 = np.concatenate([
            rng.integers(2**30, 2**31, half, dtype=np.int64),
            rng.integers(INT32_MIN, INT32_MAX, n - half, dtype=np.int64, endpoint=True),
        ])
        return {"acc": spread(n, 32), "m0": m0, "shift": rng.integers(0, 32, n, dtype=np.int64)}
    if name == "mac":
        rst = (rng.random(n) < 0.005).astype(np.int64)
        if n:
            rst[0] = 1
        return {
            "rst": rst,
            "en": (rng.random(n) < 0.9).astype(np.int64),
            "clear": (rng.random(n) < 0.02).astype(np.int64),
            "a": rng.integers(-128, 128, n, dtype=np.int64),
            "b": rng.integers(-128, 128, n, dtype=np.int64),
        }
    raise ValueError(f"name must be 'mac', 'requant' or 'fxmul', got {name!r}")


def corner_vectors(name: str) -> dict:
    """Hand-picked corner cases for module ``name``.

    Examples
    --------
    >>> v = corner_vectors("fxmul")
    >>> int(v["a"][0]), int(v["b"][0]), len(v["a"]) > 200
    (-32768, -32768, True)
    """
    if name == "fxmul":
        special = [-32768, -32767, -16384, -385, -384, -256, -129, -128, -127, -3, -1, 0, 1, 3,
                   127, 128, 129, 255, 256, 384, 385, 16384, 32767]
        pairs = list(itertools.product(special, repeat=2))
        # Exact ties: a*b ends in 0x80, i.e. half an output LSB, for both signs.
        pairs += [(t, 128) for t in (1, -1, 3, -3, 5, -5, 255, -255, 257, -257)]
        a, b = zip(*pairs, strict=True)
        return {"a": np.array(a, dtype=np.int64), "b": np.array(b, dtype=np.int64)}
    if name == "requant":
        accs = [INT32_MIN, INT32_MIN + 1, -(2**30), -4000, -3, -2, -1, 0, 1, 2, 3, 4000, 2**30,
                INT32_MAX - 1, INT32_MAX]
        m0s = [INT32_MIN, INT32_MIN + 1, -(2**30), -1, 0, 1, 2**30, 2**30 + 1,
               quantize_multiplier(0.01)[0], INT32_MAX]
        shifts = [0, 1, 2, 7, 8, 30, 31]
        rows = list(itertools.product(accs, m0s, shifts))
        # With m0 = 2**30 the high word is acc / 2, so acc = 2*h sets it to h exactly: make h a
        # tie (an odd multiple of half an output LSB) and its neighbours, for every shift.
        for s in range(1, 32):
            half = 2 ** (s - 1)
            for h in (half, 3 * half, -half, -3 * half):
                for d in (-1, 0, 1):
                    acc = 2 * (h + d)
                    if INT32_MIN <= acc <= INT32_MAX:
                        rows.append((acc, 2**30, s))
        # Ties of the high word itself: acc*m0 an odd multiple of 2**30.
        rows += [(t, 2**30, 0) for t in (1, -1, 3, -3, 5, -5)]
        acc, m0, shift = zip(*rows, strict=True)
        return {"acc": np.array(acc, dtype=np.int64), "m0": np.array(m0, dtype=np.int64),
                "shift": np.array(shift, dtype=np.int64)}
    if name == "mac":
        ops = [(-128, -128), (127, 127), (-128, 127), (127, -128), (0, 0), (1, -1)]
        rows = [(1, 0, 0, 0, 0)]  # reset first
        for a, b in ops:  # each product on its own (clear), then accumulated twice
            rows += [(0, 1, 1, a, b), (0, 1, 0, a, b), (0, 1, 0, a, b)]
        rows += [(0, 0, 1, 5, 5), (0, 0, 0, 5, 5)]  # en = 0 holds, even with clear
        rows += [(1, 1, 0, 7, 7), (1, 1, 1, 7, 7), (0, 1, 0, 7, 7)]  # rst wins over en and clear
        rst, en, clear, a, b = zip(*rows, strict=True)
        return {k: np.array(v, dtype=np.int64) for k, v in
                zip(("rst", "en", "clear", "a", "b"), (rst, en, clear, a, b), strict=True)}
    raise ValueError(f"name must be 'mac', 'requant' or 'fxmul', got {name!r}")


def wrap_vectors() -> dict:
    """A MAC run that wraps both ways: 131072 cycles of (-128)*(-128) = 2**14 from 0 reach
    2**31, which wraps to INT32_MIN; then 1*(-1) wraps back to INT32_MAX.

    Examples
    --------
    >>> v = wrap_vectors()
    >>> int(golden("mac", v)[131072]), int(golden("mac", v)[131073])
    (-2147483648, 2147483647)
    """
    n_up = 2**31 // 2**14
    rows = [(1, 0, 0, 0, 0)] + [(0, 1, 0, -128, -128)] * n_up + [(0, 1, 0, 1, -1)] * 3
    rows += [(0, 1, 0, 127, 127)] * 4
    cols = zip(*rows, strict=True)
    names = ("rst", "en", "clear", "a", "b")
    return {k: np.array(c, dtype=np.int64) for k, c in zip(names, cols, strict=True)}


def full_vectors(name: str, n: int = TEST_VECTORS, seed: int = 0) -> dict:
    """The complete check for one module: ``n`` random vectors, the corners and, for the
    MAC, the long run that wraps both ways.

    Examples
    --------
    >>> v = full_vectors("fxmul", n=100)
    >>> len(v["a"]) == 100 + len(corner_vectors("fxmul")["a"])
    True
    """
    parts = [random_vectors(name, n, seed=seed), corner_vectors(name)]
    if name == "mac":
        parts.append(wrap_vectors())
    return _cat(*parts)


def golden(name: str, inputs: dict) -> np.ndarray:
    """The golden model's outputs for ``inputs`` of module ``name``, as int64.

    Examples
    --------
    >>> golden("fxmul", {"a": [128, -1], "b": [-205, 128]})
    array([-102,    0])
    """
    if name == "fxmul":
        return fixed_mul(np.asarray(inputs["a"]), np.asarray(inputs["b"])).astype(np.int64)
    if name == "requant":
        return requantize(inputs["acc"], inputs["m0"], inputs["shift"]).astype(np.int64)
    if name == "mac":
        return mac_reference(inputs["a"], inputs["b"], inputs["en"], inputs["clear"], inputs["rst"])
    raise ValueError(f"name must be 'mac', 'requant' or 'fxmul', got {name!r}")
