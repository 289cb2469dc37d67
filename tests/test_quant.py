"""Symmetric quantization: seed numbers, hand-derived values, properties and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import qdq

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
positive = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)


def reference_quantize(values, s, bits=8):
    """Independent scalar reference: Python's round() is half-to-even, then clamp."""
    top = 2 ** (bits - 1) - 1
    return [max(-top, min(top, round(float(v) * float(s)))) for v in values]


# --- the seed's own numbers -------------------------------------------------------------

def test_seed_intuitive_example_with_step_001():
    # 0.13, -0.82, 1.47 -> 13, -82, 147; 147 does not fit the symmetric INT8 grid.
    q = qdq.quantize([0.13, -0.82, 1.47], 100.0)
    assert q.tolist() == [13, -82, 127]
    assert q.dtype == np.int8


def test_seed_scale_factor_is_127_over_alpha():
    x = [0.13, -0.82, 1.47]
    alpha = qdq.absmax(x)
    assert alpha == 1.47
    assert qdq.scale_factor(alpha) == 127 / 1.47
    assert qdq.quantize(x, qdq.scale_factor(alpha)).tolist() == [11, -71, 127]  # 127*0.13/1.47 = 11.2


def test_seed_product_of_two_quantized_values():
    xq, wq = qdq.quantize([0.5, -0.8], 100.0)
    assert (int(xq), int(wq)) == (50, -80)
    acc = np.int32(xq) * np.int32(wq)
    assert acc == -4000
    assert qdq.dequantize(np.array([acc]), 100.0 * 100.0)[0] == pytest.approx(-0.4, abs=1e-15)


# --- rounding, clipping, dtypes ---------------------------------------------------------

def test_ties_round_to_even():
    q = qdq.quantize([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5], 1.0)
    assert q.tolist() == [0, 2, 2, 4, 0, -2, -2, -4]


def test_saturates_symmetrically_never_minus_128():
    q = qdq.quantize([-1000.0, -127.5, -127.4, 127.4, 127.5, 1000.0], 1.0)
    assert q.tolist() == [-127, -127, -127, 127, 127, 127]


@pytest.mark.parametrize(
    ("bits", "dtype", "top"),
    [(2, np.int8, 1), (4, np.int8, 7), (8, np.int8, 127), (9, np.int16, 255),
     (16, np.int16, 32767), (17, np.int32, 65535), (32, np.int32, 2**31 - 1)],
)
def test_smallest_dtype_and_range_for_bits(bits, dtype, top):
    q = qdq.quantize([-1e12, 1e12], 1.0, bits=bits)
    assert q.dtype == dtype
    assert q.tolist() == [-top, top]


def test_float32_input_stays_float32_and_matches_reference():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(1000).astype(np.float32)
    s = qdq.scale_factor(qdq.absmax(x))
    assert np.asarray(s).dtype == np.float32
    assert qdq.dequantize(qdq.quantize(x, s), s).dtype == np.float32


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 50), elements=finite), positive)
def test_matches_independent_scalar_reference(x, s):
    assert qdq.quantize(x, s).tolist() == reference_quantize(x, s)


# --- properties -------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 50), elements=finite))
def test_round_trip_error_is_at_most_half_a_step(x):
    assume(qdq.absmax(x) > 1e-300)  # zero or subnormal alpha has no finite s (tested as bad input)
    s = qdq.scale_factor(qdq.absmax(x))
    err = np.abs(qdq.dequantize(qdq.quantize(x, s), s) - x)
    # with alpha = max|x| nothing is clipped, so only rounding error remains
    assert err.max() <= qdq.max_rounding_error(s) * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(2, 50), elements=finite), positive)
def test_monotonic(x, s):
    xs = np.sort(x)
    assert np.all(np.diff(qdq.quantize(xs, s).astype(int)) >= 0)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 50), elements=finite), positive)
def test_symmetric(x, s):
    assert np.array_equal(qdq.quantize(-x, s), -qdq.quantize(x, s))


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.int8, st.integers(1, 50), elements=st.integers(-127, 127)), positive)
def test_quantize_inverts_dequantize(q, s):
    assert np.array_equal(qdq.quantize(qdq.dequantize(q, s), s), q)


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=finite),
    st.sampled_from([0, 1, -1]),
)
def test_per_axis_equals_loop_over_slices(x, axis):
    x = x + 1.0  # no all-zero slice
    reduce_over = 1 - (axis % 2)
    s = qdq.scale_factor(qdq.absmax(x, axis=reduce_over))
    q = qdq.quantize(x, s, axis=axis)
    moved_x, moved_q = np.moveaxis(x, axis, 0), np.moveaxis(q, axis, 0)
    for i in range(moved_x.shape[0]):
        assert np.array_equal(moved_q[i], qdq.quantize(moved_x[i], s[i]))
        assert np.array_equal(
            np.moveaxis(qdq.dequantize(q, s, axis=axis), axis, 0)[i], qdq.dequantize(moved_q[i], s[i])
        )


def test_per_axis_accepts_keepdims_alpha():
    w = np.array([[1.0, -2.0, 0.5], [0.1, 0.2, -0.05]])
    s = qdq.scale_factor(qdq.absmax(w, axis=1, keepdims=True))
    assert np.array_equal(qdq.quantize(w, s, axis=0), qdq.quantize(w, s.ravel(), axis=0))
    assert qdq.quantize(w, s, axis=0).tolist() == [[64, -127, 32], [64, 127, -32]]


def test_absmax_axis_and_keepdims():
    x = np.array([[1.0, -3.0], [0.5, 0.25]])
    assert qdq.absmax(x) == 3.0
    assert qdq.absmax(x, axis=0).tolist() == [1.0, 3.0]
    assert qdq.absmax(x, axis=1, keepdims=True).shape == (2, 1)
    assert qdq.absmax(np.array([-4, 2])) == 4.0


def test_clip_fires_only_when_alpha_is_below_the_max():
    x = np.array([0.1, -0.2, 0.3, 5.0])
    s_max = qdq.scale_factor(qdq.absmax(x))
    assert qdq.dequantize(qdq.quantize(x, s_max), s_max)[-1] == pytest.approx(5.0)
    s_small = qdq.scale_factor(1.0)
    assert qdq.dequantize(qdq.quantize(x, s_small), s_small)[-1] == pytest.approx(1.0)


def test_max_rounding_error():
    assert qdq.max_rounding_error(100.0) == 0.005
    assert qdq.max_rounding_error(np.array([1.0, 4.0])).tolist() == [0.5, 0.125]


# --- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "alpha", [0.0, -1.0, np.nan, np.inf, -np.inf, [1.0, 0.0], 1e-310, np.float32(1e-39)]
)
def test_scale_factor_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        qdq.scale_factor(alpha)


@pytest.mark.parametrize("bits", [0, 1, 33, 64])
def test_bits_out_of_range(bits):
    with pytest.raises(ValueError, match="bits"):
        qdq.quantize([1.0], 1.0, bits=bits)
    with pytest.raises(ValueError, match="bits"):
        qdq.scale_factor(1.0, bits=bits)


@pytest.mark.parametrize("bits", [8.0, "8", True, None])
def test_bits_must_be_an_integer(bits):
    with pytest.raises(TypeError, match="bits"):
        qdq.quantize([1.0], 1.0, bits=bits)


@pytest.mark.parametrize(
    "x", [np.array(["a"]), np.array([1 + 2j]), np.array([True, False]), np.array([None], dtype=object)]
)
def test_non_numeric_data_raises_type_error(x):
    with pytest.raises(TypeError, match="x"):
        qdq.quantize(x, 1.0)
    with pytest.raises(TypeError, match="x"):
        qdq.absmax(x)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data_raises(bad):
    with pytest.raises(ValueError, match="NaN or infinity"):
        qdq.quantize([1.0, bad], 1.0)
    with pytest.raises(ValueError, match="NaN or infinity"):
        qdq.absmax([1.0, bad])


def test_overflowing_product_raises():
    with pytest.raises(ValueError, match="x \\* s overflows float32"):
        qdq.quantize(np.array([1e30], dtype=np.float32), np.float32(1e30))


@pytest.mark.parametrize("s", [0.0, -2.0, np.nan, np.inf, [], "x"])
def test_bad_scale_raises(s):
    with pytest.raises((ValueError, TypeError), match="s"):
        qdq.quantize([1.0], s)
    with pytest.raises((ValueError, TypeError), match="s"):
        qdq.dequantize([1], s)


def test_empty_input_to_absmax_raises():
    with pytest.raises(ValueError, match="empty"):
        qdq.absmax([])


def test_empty_input_to_quantize_gives_empty_output():
    assert qdq.quantize(np.zeros(0), 1.0).shape == (0,)


def test_dequantize_requires_integers():
    with pytest.raises(TypeError, match="q"):
        qdq.dequantize([1.5], 1.0)


def test_per_axis_shape_mismatch_and_missing_axis():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="axis 1 of the data has length 3"):
        qdq.quantize(x, [1.0, 2.0], axis=1)
    with pytest.raises(ValueError, match="pass axis="):
        qdq.quantize(x, [1.0, 2.0])
    with pytest.raises(ValueError, match="out of range"):
        qdq.quantize(x, [1.0, 2.0], axis=2)
    with pytest.raises(TypeError, match="axis"):
        qdq.quantize(x, [1.0, 2.0], axis=0.0)


def test_scalars_work_like_one_element_arrays():
    assert int(qdq.quantize(1.47, 100.0)) == 127
    assert qdq.quantize(np.float32(0.13), 100.0) == 13
    assert float(qdq.dequantize(13, 100.0)) == 0.13
    assert np.shape(qdq.quantize(0.5, 1.0)) == ()


@pytest.mark.parametrize("bits", [24, 25, 31, 32])
def test_wide_grids_saturate_exactly_from_float32_input(bits):
    top = 2 ** (bits - 1) - 1
    q = qdq.quantize(np.array([3e9, -3e9, 1.5], dtype=np.float32), np.float32(1.0), bits=bits)
    assert q.tolist() == [top, -top, 2]
