"""Fixed point: checked against exact rational arithmetic (fractions.Fraction)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdq

Q88 = st.integers(-(2**15), 2**15 - 1)


def exact_fixed_mul(a: int, b: int, frac_bits: int, total_bits: int, rounding: str) -> int:
    """Reference: the real product a*b/2**(2f), rounded to 2**-f, clamped; all in exact rationals."""
    value = Fraction(a * b, 2**frac_bits)  # the product in units of the result's LSB
    rounded = math.floor(value + Fraction(1, 2)) if rounding == "nearest" else math.floor(value)
    lo, hi = -(2 ** (total_bits - 1)), 2 ** (total_bits - 1) - 1
    return max(lo, min(hi, rounded))


def test_seed_q88_product_floor_versus_nearest():
    a, b = qdq.to_fixed([0.5, -0.8])
    assert (int(a), int(b)) == (128, -205)  # -0.8 * 256 = -204.8
    floor = qdq.fixed_mul(a, b, rounding="floor")  # the seed's (a*b) >> 8
    nearest = qdq.fixed_mul(a, b)  # (a*b + 128) >> 8
    assert int(floor) == -103 and int(nearest) == -102  # -26240 / 256 = -102.5, a tie
    assert qdq.from_fixed(nearest) == -102 / 256


def test_q88_range():
    assert qdq.fixed_range(8, 16) == (-128.0, 127.99609375, 1 / 256)


@settings(max_examples=500, deadline=None)
@given(Q88, Q88, st.sampled_from(["nearest", "floor"]))
def test_fixed_mul_q88_matches_exact_arithmetic(a, b, rounding):
    assert int(qdq.fixed_mul(a, b, rounding=rounding)) == exact_fixed_mul(a, b, 8, 16, rounding)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(2, 32), st.sampled_from(["nearest", "floor"]))
def test_fixed_mul_any_format_matches_exact_arithmetic(data, total_bits, rounding):
    frac_bits = data.draw(st.integers(0, total_bits))
    operand = st.integers(-(2 ** (total_bits - 1)), 2 ** (total_bits - 1) - 1)
    a, b = data.draw(operand), data.draw(operand)
    got = qdq.fixed_mul(a, b, frac_bits=frac_bits, total_bits=total_bits, rounding=rounding)
    assert int(got) == exact_fixed_mul(a, b, frac_bits, total_bits, rounding)


@settings(max_examples=300, deadline=None)
@given(st.floats(-200, 200, allow_nan=False), st.sampled_from(["nearest", "floor"]))
def test_to_fixed_matches_exact_arithmetic(x, rounding):
    value = Fraction(x) * 256
    rounded = math.floor(value + Fraction(1, 2)) if rounding == "nearest" else math.floor(value)
    assert int(qdq.to_fixed(x, rounding=rounding)) == max(-32768, min(32767, rounded))


@settings(max_examples=200, deadline=None)
@given(st.floats(-128, 127.99, allow_nan=False))
def test_to_fixed_round_trip_within_half_lsb(x):
    assert abs(float(qdq.from_fixed(qdq.to_fixed(x))) - x) <= 2**-9


def test_floor_is_biased_half_an_lsb_low_and_nearest_is_not():
    rng = np.random.default_rng(1)
    a = rng.integers(-(2**11), 2**11, 100_000)  # products stay inside Q8.8: no saturation
    b = rng.integers(-(2**11), 2**11, 100_000)
    exact = a * b / 2**8
    bias_floor = np.mean(qdq.fixed_mul(a, b, rounding="floor") - exact)
    bias_nearest = np.mean(qdq.fixed_mul(a, b, rounding="nearest") - exact)
    assert bias_floor == pytest.approx(-0.5, abs=0.01)
    assert abs(bias_nearest) < 0.01


def test_saturation_at_both_ends():
    big, two = qdq.to_fixed([100.0, 2.0])
    assert int(qdq.fixed_mul(big, two)) == 32767
    assert int(qdq.fixed_mul(-big, two)) == -32768
    assert int(qdq.fixed_mul(-32768, -32768)) == 32767  # (-128)*(-128) = 16384 does not fit
    assert qdq.to_fixed([1e9, -1e9]).tolist() == [32767, -32768]


def test_saturate_false_raises_when_it_does_not_fit():
    with pytest.raises(ValueError, match="does not fit 16-bit"):
        qdq.fixed_mul(25600, 512, saturate=False)
    with pytest.raises(ValueError, match="does not fit 16-bit"):
        qdq.to_fixed([128.0], saturate=False)
    assert int(qdq.fixed_mul(256, 512, saturate=False)) == 512


def test_dtypes_follow_total_bits():
    assert qdq.to_fixed([1.0]).dtype == np.int16
    assert qdq.to_fixed([1.0], frac_bits=4, total_bits=8).dtype == np.int8
    assert qdq.fixed_mul(1, 1, frac_bits=16, total_bits=32).dtype == np.int32


def test_bad_input():
    with pytest.raises(ValueError, match="rounding"):
        qdq.to_fixed([1.0], rounding="even")
    with pytest.raises(ValueError, match="rounding"):
        qdq.fixed_mul(1, 1, rounding="up")
    with pytest.raises(ValueError, match="total_bits"):
        qdq.to_fixed([1.0], total_bits=64)
    with pytest.raises(ValueError, match="frac_bits"):
        qdq.to_fixed([1.0], frac_bits=17, total_bits=16)
    with pytest.raises(ValueError, match="NaN or infinity"):
        qdq.to_fixed([np.nan])
    with pytest.raises(TypeError, match="a must hold integers"):
        qdq.fixed_mul(1.5, 2)
    with pytest.raises(ValueError, match="b has values outside 16-bit"):
        qdq.fixed_mul(1, 40000)
    with pytest.raises(TypeError, match="q must hold integers"):
        qdq.from_fixed([0.5])
    with pytest.raises(TypeError, match="x must hold real numbers"):
        qdq.to_fixed(["1"])


def test_scalars_work_like_one_element_arrays():
    assert int(qdq.to_fixed(0.5)) == 128
    assert int(qdq.to_fixed(-0.8, rounding="floor")) == -205
    assert int(qdq.fixed_mul(128, -205)) == -102
    assert float(qdq.from_fixed(-102)) == -102 / 256
    assert np.shape(qdq.fixed_mul(1, 1)) == ()
