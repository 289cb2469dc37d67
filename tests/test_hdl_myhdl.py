"""The MyHDL blocks, simulated in MyHDL, against the NumPy golden model.

At least 10 000 random vectors per block plus the hand-picked corners of
``qdq.hdl.vectors``; the golden model is ``qdq.fixed_mul``, ``qdq.requantize`` and
``qdq.mac_reference`` (plain Python integers, one cycle at a time).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("myhdl")

from qdq import mac_reference  # noqa: E402
from qdq.hdl.sim import simulate_fxmul, simulate_mac, simulate_requant  # noqa: E402
from qdq.hdl.vectors import (  # noqa: E402
    TEST_VECTORS,
    corner_vectors,
    golden,
    random_vectors,
    wrap_vectors,
)

N_RANDOM = TEST_VECTORS


def _mismatches(got, want, inputs) -> str:
    bad = np.flatnonzero(got != want)
    rows = [{k: int(v[i]) for k, v in inputs.items()} | {"got": int(got[i]), "want": int(want[i])}
            for i in bad[:5]]
    return f"{bad.size} of {want.size} vectors differ; first: {rows}"


def _simulate(name, v):
    if name == "fxmul":
        return simulate_fxmul(v["a"], v["b"])
    if name == "requant":
        return simulate_requant(v["acc"], v["m0"], v["shift"])
    return simulate_mac(v["a"], v["b"], v["en"], v["clear"], v["rst"])


@pytest.mark.parametrize("name", ["fxmul", "requant", "mac"])
@pytest.mark.parametrize("kind", ["random", "corners"])
def test_block_matches_golden_model(name, kind):
    v = random_vectors(name, N_RANDOM, seed=2024) if kind == "random" else corner_vectors(name)
    want = golden(name, v)
    got = _simulate(name, v)
    assert got.shape == want.shape
    assert np.array_equal(got, want), _mismatches(got, want, v)


def test_random_vectors_reach_past_saturation():
    """The random sets are not all clipped: most outputs lie strictly inside the range."""
    fx = golden("fxmul", random_vectors("fxmul", N_RANDOM, seed=2024))
    rq = golden("requant", random_vectors("requant", N_RANDOM, seed=2024))
    assert 0.3 < np.mean(np.abs(fx) < 2**15 - 1) < 0.9
    assert 0.5 < np.mean(np.abs(rq) < 127) < 0.95
    assert {-127, 127} <= set(rq.tolist())


def test_mac_wraps_like_hardware():
    """131 072 products of 2**14 reach 2**31, which wraps to INT32_MIN; 1*(-1) then wraps back."""
    v = wrap_vectors()
    got = simulate_mac(v["a"], v["b"], v["en"], v["clear"], v["rst"])
    want = golden("mac", v)
    assert np.array_equal(got, want), _mismatches(got, want, v)
    assert got[131072] == -(2**31) and got[131073] == 2**31 - 1


def test_mac_corners_by_hand():
    """A few cycles whose accumulator values are worked out by hand."""
    v = corner_vectors("mac")
    got = simulate_mac(v["a"], v["b"], v["en"], v["clear"], v["rst"])
    # reset; then (-128)(-128) = 16384 three times with a clear first; then 127*127 = 16129 ...
    assert got[:7].tolist() == [0, 16384, 32768, 49152, 16129, 32258, 48387]
    # rst wins over en and clear, then one product accumulates from 0.
    assert got[-3:].tolist() == [0, 0, 49]


def test_mac_reference_is_a_wrapped_cumulative_sum():
    """Independent check of the reference: with en=1 and no clear/rst, acc = acc0 + cumsum(a*b) mod 2**32."""
    rng = np.random.default_rng(7)
    a = rng.integers(-128, 128, 5000)
    b = rng.integers(-128, 128, 5000)
    acc0 = 2**31 - 50_000  # close to the top, so the sum wraps in both directions
    total = acc0 + np.cumsum(a.astype(np.int64) * b)
    want = (total + 2**31) % 2**32 - 2**31
    assert (total >= 2**31).any()
    assert np.array_equal(mac_reference(a, b, acc0=acc0), want)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"a": [1, 2], "b": [1]}, ValueError, "equal length"),
        ({"a": [128], "b": [1]}, ValueError, "outside int8"),
        ({"a": [1.5], "b": [1]}, TypeError, "integers"),
        ({"a": [1], "b": [1], "en": [2]}, ValueError, "0/1"),
        ({"a": [1], "b": [1], "rst": [1, 0]}, ValueError, "one value per cycle"),
        ({"a": [1], "b": [1], "acc0": 2**31}, ValueError, "acc0"),
    ],
)
def test_mac_reference_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        mac_reference(**kwargs)


def test_simulators_reject_values_outside_the_ports():
    with pytest.raises(ValueError, match="outside the port"):
        simulate_fxmul([2**15], [1])
    with pytest.raises(ValueError, match="outside the port"):
        simulate_requant([0], [0], [32])
    with pytest.raises(ValueError, match="equal lengths"):
        simulate_fxmul([1, 2], [1])
