"""Accumulator widths and gemmlowp requantization, against exact rational arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdq

INT32 = st.integers(qdq.INT32_MIN, qdq.INT32_MAX)


def exact_high_mul(a: int, b: int) -> int:
    """a*b/2**31 rounded to nearest, ties toward +inf, saturated to int32."""
    return min(qdq.INT32_MAX, math.floor(Fraction(a * b, 2**31) + Fraction(1, 2)))


def exact_divide_by_pot(x: int, n: int) -> int:
    """x/2**n rounded to nearest, ties away from zero."""
    magnitude = math.floor(Fraction(abs(x), 2**n) + Fraction(1, 2))
    return magnitude if x >= 0 else -magnitude


def test_accumulator_width_numbers_from_the_seed():
    assert 127 * 127 == 16129
    assert qdq.accumulator_bits(1) == 15
    assert qdq.max_terms() == 133144
    assert 133144 * 16129 <= 2**31 - 1 < 133145 * 16129
    assert qdq.accumulator_bits(133144) == 32
    assert qdq.accumulator_bits(133145) == 33


@pytest.mark.parametrize("k", [1, 2, 3, 100, 1024, 133144, 10**6])
def test_accumulator_bits_is_about_16_plus_log2_k(k):
    assert qdq.accumulator_bits(k) <= 16 + math.ceil(math.log2(k))


def test_worst_case_sum_fits_exactly_at_the_limit():
    k = qdq.max_terms()
    worst = np.full(k, 127 * 127, dtype=np.int64).sum()
    assert worst <= np.iinfo(np.int32).max
    assert worst + 127 * 127 > np.iinfo(np.int32).max


@settings(max_examples=500, deadline=None)
@given(INT32, INT32)
def test_high_mul_matches_exact_rounding(a, b):
    assert int(qdq.saturating_rounding_doubling_high_mul(a, b)) == exact_high_mul(a, b)


def test_high_mul_ties_go_toward_plus_infinity():
    # a*b/2**31 = +-0.5, +-1.5, +-2.5 exactly
    a = np.array([1, -1, 3, -3, 5, -5])
    assert qdq.saturating_rounding_doubling_high_mul(a, 2**30).tolist() == [1, 0, 2, -1, 3, -2]
    assert int(qdq.saturating_rounding_doubling_high_mul(qdq.INT32_MIN, qdq.INT32_MIN)) == qdq.INT32_MAX


@settings(max_examples=500, deadline=None)
@given(INT32, st.integers(0, 31))
def test_divide_by_pot_matches_exact_rounding(x, n):
    assert int(qdq.rounding_divide_by_pot(x, n)) == exact_divide_by_pot(x, n)


def test_divide_by_pot_ties_go_away_from_zero():
    assert qdq.rounding_divide_by_pot([2, -2, 6, -6, 10, -10], 2).tolist() == [1, -1, 2, -2, 3, -3]


@settings(max_examples=500, deadline=None)
@given(st.floats(1e-9, 1.0, exclude_max=True))
def test_quantize_multiplier_range_and_accuracy(m):
    m0, n = qdq.quantize_multiplier(m)
    assert 2**30 <= m0 < 2**31
    assert 0 <= n <= 31
    assert abs(m0 * 2.0**-31 * 2.0**-n - m) <= m * 2**-30


def test_quantize_multiplier_hand_values():
    assert qdq.quantize_multiplier(0.5) == (2**30, 0)
    assert qdq.quantize_multiplier(0.25) == (2**30, 1)
    assert qdq.quantize_multiplier(0.75) == (3 * 2**29, 0)
    # within 2**-32 of 1, q*2**31 rounds up to 2**31: the nearest value with n >= 0 is kept
    assert qdq.quantize_multiplier(1 - 2**-40) == (2**31 - 1, 0)
    # elsewhere a round-up to 2**31 moves into the next binade: 0.5 - 2**-40 -> 2**30 * 2**-31
    assert qdq.quantize_multiplier(0.5 - 2**-40) == (2**30, 0)


@settings(max_examples=500, deadline=None)
@given(INT32, INT32, st.integers(0, 31))
def test_requantize_is_the_composition_then_symmetric_saturation(acc, m0, n):
    expected = max(-127, min(127, exact_divide_by_pot(exact_high_mul(acc, m0), n)))
    assert int(qdq.requantize(acc, m0, n)) == expected


def test_requantize_close_to_real_multiplier():
    rng = np.random.default_rng(3)
    acc = rng.integers(-(2**20), 2**20, 10_000)
    m = 3.1e-5
    m0, n = qdq.quantize_multiplier(m)
    got = qdq.requantize(acc, m0, n)
    assert got.dtype == np.int8
    # two roundings: half an LSB of the final result plus half of 2**-n from the high multiply
    assert np.max(np.abs(got - np.clip(acc * m, -127, 127))) <= 0.5 + 0.5 * 2.0**-n + 1e-6


def test_requantize_seed_example():
    # -4000 at a combined step of 0.01*0.01, requantized to an output step of 0.01: -0.4 -> -40
    m0, n = qdq.quantize_multiplier((0.01 * 0.01) / 0.01)
    assert int(qdq.requantize(-4000, m0, n)) == -40


def test_requantize_broadcasts_per_channel():
    acc = np.array([[1000, 1000], [-1000, -1000]])
    mults = [qdq.quantize_multiplier(m) for m in (0.01, 0.1)]
    m0 = np.array([m for m, _ in mults])
    n = np.array([k for _, k in mults])
    assert qdq.requantize(acc, m0, n).tolist() == [[10, 100], [-10, -100]]


def test_bad_input():
    for m in (0.0, 1.0, 1.5, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="multiplier"):
            qdq.quantize_multiplier(m)
    with pytest.raises(ValueError, match="right shift of 39"):
        qdq.quantize_multiplier(2.0**-40)
    with pytest.raises(TypeError, match="multiplier"):
        qdq.quantize_multiplier("0.5")
    with pytest.raises(ValueError, match="int32"):
        qdq.requantize(2**31, 2**30, 0)
    with pytest.raises(TypeError, match="integers"):
        qdq.requantize(1.5, 2**30, 0)
    with pytest.raises(ValueError, match="exponent must be in 0..31"):
        qdq.requantize(1, 2**30, 32)
    with pytest.raises(ValueError, match="n_terms"):
        qdq.accumulator_bits(0)
