"""The blocked, in-place kernels of quantize/fixed_mul/to_fixed equal plain one-line references.

``quantize`` works through its input in cache-sized blocks (``qdq.quant._BLOCK`` elements)
and ``fixed_mul`` in a narrower integer type; these tests pin the results to the textbook
formulas, across block boundaries (the block size is shrunk so small arrays span many
blocks), on ties, at the clip limits and on bad input. ``fixed_mul`` is also checked
against fxpmath, an independent fixed-point library.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import qdq
from qdq import quant as qquant


def plain_quantize(x, s, bits=8, axis=None):
    """The contract as one line: clip(rint(x*s)) in the product's float type, then cast."""
    x, s = np.asarray(x), np.asarray(s)
    if axis is not None and s.ndim:
        shape = [1] * x.ndim
        shape[axis] = -1
        s = s.reshape(shape)
    top = 2 ** (bits - 1) - 1
    work = np.result_type(x.dtype, s.dtype, np.float32)
    q = np.clip(np.rint(np.multiply(x, s, dtype=work)), -top, top)
    return q.astype(np.int8 if bits <= 8 else np.int16 if bits <= 16 else np.int32)


def plain_fixed_mul(a, b, frac_bits=8, total_bits=16, rounding="nearest"):
    """Python integers: exact product, optional half-LSB nudge, floor shift, saturate."""
    lo, hi = -(2 ** (total_bits - 1)), 2 ** (total_bits - 1) - 1
    half = (1 << (frac_bits - 1)) if rounding == "nearest" and frac_bits else 0
    return [min(hi, max(lo, (int(p) * int(r) + half) >> frac_bits)) for p, r in zip(a, b, strict=True)]


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Blocks of 5 elements, so a 40-element array is split into 8 blocks."""
    monkeypatch.setattr(qquant, "_BLOCK", 5)


# --- quantize -----------------------------------------------------------------------------

float_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=9),
    elements={"allow_nan": False, "allow_infinity": False, "min_value": -300.0, "max_value": 300.0},
)
scales = st.one_of(
    st.floats(1e-3, 1e3),
    st.floats(1e-3, 1e3).map(np.float32),
    st.sampled_from([0.5, 1.0, 2.0, 4.0, 127 / 3.0]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x=float_arrays, s=scales, bits=st.sampled_from([2, 4, 8, 12, 16]))
def test_quantize_equals_plain_formula_across_blocks(tiny_blocks, x, s, bits):
    np.testing.assert_array_equal(qdq.quantize(x, s, bits=bits), plain_quantize(x, s, bits=bits))
    assert qdq.quantize(x, s, bits=bits).dtype == plain_quantize(x, s, bits=bits).dtype


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    x=hnp.arrays(np.float32, st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 4)),
                 elements={"min_value": -50.0, "max_value": 50.0}),
    axis=st.sampled_from([0, 1, 2, -1]),
    keepdims=st.booleans(),
    data=st.data(),
)
def test_per_axis_quantize_equals_plain_formula(tiny_blocks, x, axis, keepdims, data):
    n = x.shape[axis]
    s = np.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n)))
    s = s.astype(data.draw(st.sampled_from([np.float32, np.float64])))
    passed = np.expand_dims(s, tuple(i for i in range(x.ndim) if i != axis % x.ndim)) if keepdims else s
    np.testing.assert_array_equal(qdq.quantize(x, passed, axis=axis), plain_quantize(x, s, axis=axis))


@pytest.mark.parametrize("s", [1.0, np.float32(1.0), 0.5, 2.0])
def test_exact_ties_go_to_even_in_every_block(tiny_blocks, s):
    halves = (np.arange(-130, 131) + 0.5) / float(s)  # x*s is exactly k + 1/2
    for dtype in (np.float32, np.float64):
        x = halves.astype(dtype)
        q = qdq.quantize(x, s)
        np.testing.assert_array_equal(q, plain_quantize(x, s))
        inside = np.abs(np.arange(-130, 131) + 0.5) < 127
        assert np.all(q[inside] % 2 == 0)


def test_clip_limits_and_special_values(tiny_blocks):
    x = np.array([-1e30, -127.5, -127.49, -126.5, -0.5, -0.0, 0.0, 0.5, 1e-45, 126.5, 127.49, 127.5, 1e30])
    for xd in (x.astype(np.float32), x):
        np.testing.assert_array_equal(qdq.quantize(xd, 1.0), plain_quantize(xd, 1.0))
    assert qdq.quantize(x, 1.0).tolist() == [-127, -127, -127, -126, 0, 0, 0, 0, 0, 126, 127, 127, 127]


def test_large_input_at_the_real_block_size():
    rng = np.random.default_rng(6)
    x = (rng.standard_normal(3 * qquant._BLOCK + 12345) * 50).astype(np.float32)
    x[::97] = (np.round(x[::97]) + 0.5)  # exact ties in float32 for s = 1
    for s in (1.0, np.float32(1.0), qdq.scale_factor(qdq.absmax(x) / 2)):  # the last one clips
        np.testing.assert_array_equal(qdq.quantize(x, s), plain_quantize(x, s))
    w = x[: 1000 * 300].reshape(1000, 300)
    for axis in (0, 1):
        s = qdq.scale_factor(qdq.absmax(w, axis=1 - axis))
        np.testing.assert_array_equal(qdq.quantize(w, s, axis=axis), plain_quantize(w, s, axis=axis))


def test_integer_input_and_wide_grids(tiny_blocks):
    x = np.arange(-40, 40, dtype=np.int32) * 1000
    np.testing.assert_array_equal(qdq.quantize(x, 0.37, bits=32), plain_quantize(x, 0.37, bits=32))
    np.testing.assert_array_equal(qdq.quantize(x.astype(np.int8), np.float32(3.3)),
                                  plain_quantize(x.astype(np.int8), np.float32(3.3)))


def test_shapes_are_kept_including_zero_size_and_scalars(tiny_blocks):
    assert qdq.quantize(np.zeros((4, 0, 3)), 1.0).shape == (4, 0, 3)
    assert qdq.quantize(np.zeros((4, 0)), np.ones(4), axis=0).shape == (4, 0)
    q = qdq.quantize(np.float32(2.5), 1.0)
    assert isinstance(q, np.int8) and q == 2  # a scalar, as dequantize and NumPy give
    x = np.asfortranarray(np.arange(24.0).reshape(4, 6) - 12)
    np.testing.assert_array_equal(qdq.quantize(x, 9.0), plain_quantize(x, 9.0))
    np.testing.assert_array_equal(qdq.quantize(x[:, ::2], 9.0), plain_quantize(x[:, ::2], 9.0))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, 17, 39])
def test_nan_or_inf_in_any_block_raises(tiny_blocks, bad, where):
    x = np.linspace(-1, 1, 40)
    x[where] = bad
    with pytest.raises(ValueError, match=r"^x contains NaN or infinity"):
        qdq.quantize(x, 100.0)


def test_product_overflow_raises(tiny_blocks):
    with pytest.raises(ValueError, match=r"x \* s overflows float32"):
        qdq.quantize(np.full(12, 3e38, dtype=np.float32), np.float32(10.0))


# --- dequantize ---------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(q=hnp.arrays(np.int8, hnp.array_shapes(max_dims=2, max_side=20)), s=scales)
def test_dequantize_is_a_plain_division(q, s):
    expected = np.divide(q, s, dtype=np.result_type(np.asarray(s).dtype, np.float32))
    got = qdq.dequantize(q, s)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


# --- fixed point ----------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(fmt=st.integers(2, 32).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       rounding=st.sampled_from(["nearest", "floor"]), data=st.data())
def test_fixed_mul_equals_python_integers(fmt, rounding, data):
    frac_bits, total_bits = fmt
    lo, hi = -(2 ** (total_bits - 1)), 2 ** (total_bits - 1) - 1
    ints = st.lists(st.integers(lo, hi), min_size=1, max_size=30)
    a = data.draw(ints)
    b = data.draw(st.lists(st.integers(lo, hi), min_size=len(a), max_size=len(a)))
    got = qdq.fixed_mul(np.array(a, np.int64), np.array(b, np.int64), frac_bits, total_bits, rounding)
    assert got.tolist() == plain_fixed_mul(a, b, frac_bits, total_bits, rounding)


def test_fixed_mul_q88_extremes_and_ties():
    a = np.array([-32768, -32768, 32767, 1, 3, -1, -3, 1, -1, 181, -182, 0], np.int16)
    b = np.array([-32768, 32767, 32767, 128, 128, 128, 128, 127, 127, 181, 181, 7], np.int16)
    for rounding in ("nearest", "floor"):
        assert qdq.fixed_mul(a, b, rounding=rounding).tolist() == plain_fixed_mul(a, b, rounding=rounding)
    # with saturate=False an overflowing product is an error, not a wrapped value
    with pytest.raises(ValueError, match="the product does not fit"):
        qdq.fixed_mul(a, b, saturate=False)


def test_fixed_mul_matches_fxpmath():
    fxpmath = pytest.importorskip("fxpmath", reason="fxpmath is a dev requirement (requirements-dev.txt)")
    rng = np.random.default_rng(7)
    a = rng.integers(-32768, 32768, 4000).astype(np.int16)
    b = rng.integers(-32768, 32768, 4000).astype(np.int16)
    a[:4], b[:4] = [1, 3, -1, -3], [128, 128, 128, 128]  # products with a tie in the dropped byte
    # qdq's "nearest" (ties toward +inf) is fxpmath's "nearest_posinf"; "floor" is "floor" in both.
    for ours, theirs in (("nearest", "nearest_posinf"), ("floor", "floor")):
        fmt = {"signed": True, "n_word": 16, "n_frac": 8, "rounding": theirs, "overflow": "saturate"}
        out = fxpmath.Fxp(None, **fmt)
        fa = fxpmath.Fxp(a, raw=True, op_out_like=out, **fmt)
        fb = fxpmath.Fxp(b, raw=True, op_out_like=out, **fmt)
        expected = np.asarray((fa * fb).val, dtype=np.int64)
        np.testing.assert_array_equal(qdq.fixed_mul(a, b, rounding=ours), expected)


@settings(max_examples=200, deadline=None)
@given(x=hnp.arrays(np.float64, st.integers(0, 30), elements=st.floats(-200, 200)),
       rounding=st.sampled_from(["nearest", "floor"]), frac_bits=st.integers(0, 12))
def test_to_fixed_equals_plain_formula(x, rounding, frac_bits):
    v = x * 2.0**frac_bits
    v = np.floor(v + 0.5) if rounding == "nearest" else np.floor(v)
    expected = np.clip(v, -32768, 32767).astype(np.int16)
    np.testing.assert_array_equal(qdq.to_fixed(x, frac_bits, 16, rounding), expected)
    with pytest.raises(ValueError, match="x contains NaN"):
        qdq.to_fixed(np.append(x, np.nan), frac_bits)
