"""Integer-only inference: int_matmul, calibration, per-channel requantization and qdq.nn.

References are independent of the NumPy code under test: Python integers (which never
overflow), fractions.Fraction for the gemmlowp roundings, and Python's round() (ties to even).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import qdq
from qdq import nn

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# --- Python-int references ---------------------------------------------------------------

def ref_matmul(a, b) -> list[list[int]]:
    a, b = np.asarray(a).tolist(), np.asarray(b).tolist()
    return [[sum(x * y for x, y in zip(row, col, strict=True)) for col in zip(*b, strict=True)] for row in a]


def ref_requantize(acc: int, m0: int, n: int) -> int:
    """gemmlowp: round(acc*m0/2**31) ties toward +inf, then round(./2**n) ties away from zero."""
    high = math.floor(Fraction(acc * m0, 2**31) + Fraction(1, 2))
    magnitude = math.floor(Fraction(abs(high), 2**n) + Fraction(1, 2))
    return max(-127, min(127, magnitude if high >= 0 else -magnitude))


def ref_forward(qlayers, x_q) -> list:
    """Every layer's output for integer rows ``x_q``, computed with Python ints only."""
    rows = np.asarray(x_q).tolist()
    outs = []
    for layer in qlayers:
        weights, bias = layer.w_q.tolist(), layer.b_q.tolist()
        accs = [[sum(x * w for x, w in zip(row, w_row, strict=True)) + b
                 for w_row, b in zip(weights, bias, strict=True)] for row in rows]
        assert all(INT32_MIN <= v <= INT32_MAX for r in accs for v in r)
        if layer.s_out is None:
            rows = accs
        else:
            m0s = np.broadcast_to(layer.m0, (len(weights),)).tolist()
            ns = np.broadcast_to(layer.n, (len(weights),)).tolist()
            rows = [[max(0, ref_requantize(v, m, k)) for v, m, k in zip(r, m0s, ns, strict=True)]
                    for r in accs]
        outs.append(rows)
    return outs


# --- int_matmul --------------------------------------------------------------------------

def matmul_operands(low, high):
    shapes = st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 4))
    return shapes.flatmap(lambda mkn: st.tuples(
        hnp.arrays(np.int64, (mkn[0], mkn[1]), elements=st.integers(low, high)),
        hnp.arrays(np.int64, (mkn[1], mkn[2]), elements=st.integers(low, high)),
    ))


@settings(max_examples=300, deadline=None)
@given(st.one_of(matmul_operands(-128, 127), matmul_operands(-(2**16), 2**16),
                 matmul_operands(INT32_MIN, INT32_MAX)))
def test_int_matmul_is_exact_or_raises(operands):
    a, b = operands
    expected = ref_matmul(a, b)
    fits = all(INT32_MIN <= v <= INT32_MAX for row in expected for v in row)
    if fits:
        got = qdq.int_matmul(a, b)
        assert got.dtype == np.int32
        assert got.tolist() == expected
    else:
        with pytest.raises(OverflowError, match="outside int32"):
            qdq.int_matmul(a, b)


def test_int_matmul_safe_length_bounds():
    k = qdq.max_terms()
    ones = np.full((1, k), 127, np.int8)
    assert int(qdq.int_matmul(ones, ones.T)[0, 0]) == k * 127 * 127
    assert int(qdq.int_matmul(-ones, ones.T)[0, 0]) == -k * 127 * 127
    longer = np.full((1, k + 1), 127, np.int8)
    with pytest.raises(OverflowError):
        qdq.int_matmul(longer, longer.T)
    k8 = (2**31 - 1) // 128**2  # the full int8 range, -128 included
    assert k8 == 131071
    most = np.full((1, k8), -128, np.int8)
    assert int(qdq.int_matmul(most, most.T)[0, 0]) == k8 * 128 * 128
    too_many = np.full((1, k8 + 1), -128, np.int8)
    with pytest.raises(ArithmeticError):  # OverflowError is an ArithmeticError
        qdq.int_matmul(too_many, too_many.T)


def test_int_matmul_final_sum_not_partial_sums():
    # partial sums pass 2**31 - 1 but the total fits: a wrapping int32 accumulator gets it right
    a = np.array([[INT32_MAX, 1, -5]])
    b = np.array([[1], [1], [1]])
    assert qdq.int_matmul(a, b).tolist() == [[INT32_MAX - 4]]


def test_int_matmul_bias_is_added_exactly_and_checked():
    a, b = np.array([[2, 3]]), np.array([[4], [5]])
    assert qdq.int_matmul(a, b, bias=[100]).tolist() == [[123]]
    with pytest.raises(OverflowError):
        qdq.int_matmul(a, b, bias=[INT32_MAX])
    assert qdq.int_matmul(a, b, bias=[INT32_MIN]).tolist() == [[INT32_MIN + 23]]


def test_int_matmul_huge_operands_use_exact_integers():
    big = np.array([[2**62, -(2**62)]], dtype=np.int64)
    assert qdq.int_matmul(big, np.array([[1], [1]])).tolist() == [[0]]
    huge = np.array([[2**63 - 1]], dtype=np.uint64) * np.uint64(2)
    with pytest.raises(OverflowError):
        qdq.int_matmul(huge, np.array([[1]]))


def test_int_matmul_bad_input():
    with pytest.raises(TypeError, match="a_q"):
        qdq.int_matmul([[0.5]], [[1]])
    with pytest.raises(TypeError, match="b_q"):
        qdq.int_matmul([[1]], [[True]])
    with pytest.raises(TypeError, match="bias"):
        qdq.int_matmul([[1]], [[1]], bias=[0.5])
    with pytest.raises(ValueError, match="inner dimensions differ"):
        qdq.int_matmul(np.ones((2, 3), np.int8), np.ones((2, 3), np.int8))
    with pytest.raises(ValueError, match="scalar"):
        qdq.int_matmul(3, [1])
    with pytest.raises(ValueError, match="bias has values outside int32"):
        qdq.int_matmul([[1]], [[1]], bias=[2**31])


# --- per-channel requantization ----------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.data())
def test_requantize_broadcasts_one_multiplier_per_channel(data):
    rows, channels = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 6))
    acc = data.draw(hnp.arrays(np.int64, (rows, channels), elements=st.integers(INT32_MIN, INT32_MAX)))
    m0 = data.draw(hnp.arrays(np.int64, channels, elements=st.integers(2**30, 2**31 - 1)))
    n = data.draw(hnp.arrays(np.int64, channels, elements=st.integers(0, 31)))
    got = qdq.requantize(acc, m0, n)
    assert got.shape == (rows, channels)
    for j in range(channels):
        np.testing.assert_array_equal(got[:, j], qdq.requantize(acc[:, j], int(m0[j]), int(n[j])))
        assert got[:, j].tolist() == [ref_requantize(int(v), int(m0[j]), int(n[j])) for v in acc[:, j]]


# --- calibration -------------------------------------------------------------------------

def test_calibrate_alpha_hand_values():
    x = np.arange(1, 101, dtype=np.float64) * np.where(np.arange(100) % 2, -1, 1)  # |x| = 1..100
    assert qdq.calibrate_alpha(x) == 100.0
    assert qdq.calibrate_alpha(x, "percentile", percentile=100) == 100.0
    # linear interpolation between the 50th and 51st of 100 sorted values: 50 + 0.5
    assert qdq.calibrate_alpha(x, "percentile", percentile=50) == 50.5
    assert qdq.calibrate_alpha(x, "percentile", percentile=99) == pytest.approx(99.01)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 200), elements=st.floats(-1e6, 1e6)),
       st.floats(1.0, 100.0))
def test_calibrate_percentile_never_exceeds_max(x, p):
    if not np.any(x):
        with pytest.raises(ValueError, match="alpha"):
            qdq.calibrate_alpha(x)
        return
    top = qdq.calibrate_alpha(x)
    assert top == np.max(np.abs(x))
    try:
        alpha = qdq.calibrate_alpha(x, "percentile", percentile=p)
    except ValueError:  # the percentile of mostly-zero data can be 0
        return
    assert 0 < alpha <= top


def test_percentile_trades_clipping_for_resolution():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0.0, 1.0, 100_000), [1000.0]])  # one outlier, last
    bulk, outlier = {}, {}
    for method in ("max", "percentile"):
        alpha = qdq.calibrate_alpha(x, method, percentile=99.99)
        x_q, s = qdq.quantize_activation(x, alpha)
        err = np.abs(qdq.dequantize(x_q, s) - x)
        bulk[method], outlier[method] = np.sqrt(np.mean(err[:-1] ** 2)), err[-1]
    assert qdq.calibrate_alpha(x) == 1000.0
    assert qdq.calibrate_alpha(x, "percentile", percentile=99.99) < 5.0
    # max keeps the outlier exactly but its step (1000/127 ~ 7.9) rounds almost every other
    # value to 0 (RMS error ~ the data's own spread, 1); the percentile clips the outlier by
    # hundreds and quantizes everything else finely
    assert outlier["max"] < 1e-9 < 900 < outlier["percentile"]
    assert 0.9 < bulk["max"] and bulk["percentile"] < 0.02


def test_calibrate_bad_input():
    with pytest.raises(ValueError, match="method"):
        qdq.calibrate_alpha([1.0], "mean")
    for p in (0, -1, 100.5, float("nan")):
        with pytest.raises(ValueError, match="percentile"):
            qdq.calibrate_alpha([1.0], "percentile", percentile=p)
    with pytest.raises(TypeError, match="percentile"):
        qdq.calibrate_alpha([1.0], "percentile", percentile="99")
    with pytest.raises(ValueError, match="alpha"):
        qdq.calibrate_alpha([0.0, 0.0])
    with pytest.raises(ValueError, match="empty"):
        qdq.calibrate_alpha([])
    with pytest.raises(ValueError, match="NaN"):
        qdq.calibrate_alpha([1.0, float("nan")])
    with pytest.raises(TypeError, match="samples"):
        qdq.calibrate_alpha(["a"])


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
                  elements=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)))
def test_quantize_weight_per_channel_uses_each_rows_full_range(w):
    w_q, s = qdq.quantize_weight(w)
    assert w_q.dtype == np.int8 and s.shape == (w.shape[0],)
    assert (np.abs(w_q).max(axis=1) == 127).all()  # every row reaches the end of the grid
    # per row, the rounding error is at most half a step of that row
    err = np.abs(qdq.dequantize(w_q, s, axis=0) - w)
    assert (err <= 0.5 / s[:, None] * (1 + 1e-9)).all()
    w_t, s_t = qdq.quantize_weight(w, per_channel=False)
    assert np.ndim(s_t) == 0 and np.abs(w_t).max() == 127
    # a per-tensor step is never finer than a row's own step
    assert (s_t <= s * (1 + 1e-12)).all()
    # and agrees with Python's own round-half-to-even on the scaled values
    assert w_t.tolist() == [[round(float(v) * float(s_t)) for v in row] for row in w.tolist()]


def test_quantize_weight_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        qdq.quantize_weight([1.0, 2.0])
    with pytest.raises(ValueError, match="alpha"):
        qdq.quantize_weight([[1.0, 2.0], [0.0, 0.0]])  # an all-zero row has no scale


def test_quantize_activation_clips_beyond_alpha():
    x_q, s = qdq.quantize_activation([0.25, 1.0, 5.0, -5.0], alpha=1.0)
    assert s == 127.0
    assert x_q.tolist() == [round(0.25 * 127), 127, 127, -127]


# --- qdq.nn ------------------------------------------------------------------------------

def random_mlp(rng, sizes):
    return [(rng.normal(0, 1 / np.sqrt(i), (o, i)).astype(np.float32),
             rng.normal(0, 0.1, o).astype(np.float32)) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]


@pytest.mark.parametrize("per_channel", [True, False])
def test_quantize_mlp_parameters_follow_the_formulas(per_channel):
    rng = np.random.default_rng(5)
    layers = random_mlp(rng, [6, 5, 4, 3])
    x = rng.uniform(-1, 1, (20, 6))
    qlayers = nn.quantize_mlp(layers, x, per_channel=per_channel)
    hidden = nn.forward_float(layers, x, return_all=True)
    alphas = [np.max(np.abs(x))] + [np.max(np.abs(h)) for h in hidden[:-1]]
    for i, ((w, b), q) in enumerate(zip(layers, qlayers, strict=True)):
        assert q.s_in == pytest.approx(127 / alphas[i], rel=1e-12)
        rows = w.astype(np.float64).tolist()
        row_alpha = [max(abs(v) for v in r) for r in rows]
        s_w = [127 / a for a in row_alpha] if per_channel else [127 / max(row_alpha)] * len(rows)
        assert q.w_q.tolist() == [[round(v * s) for v in r] for r, s in zip(rows, s_w, strict=True)]
        # the bias lives at the accumulator's scale s_in * s_w: off by at most half its step
        s_acc = np.array([q.s_in * s for s in s_w])
        assert q.b_q.dtype == np.int32
        assert np.all(np.abs(q.b_q / s_acc - b) <= 0.5 / s_acc + 1e-9)
        if i < len(layers) - 1:
            mult = (127 / alphas[i + 1]) / s_acc
            m0, n = np.broadcast_to(q.m0, mult.shape), np.broadcast_to(q.n, mult.shape)
            assert np.all((2**30 <= m0) & (m0 < 2**31) & (0 <= n) & (n <= 31))
            assert np.allclose(m0 * 2.0**-31 * 2.0**-n, mult, rtol=2**-30, atol=0)
            assert np.ndim(q.m0) == (1 if per_channel else 0)
        else:
            assert q.s_out is None and q.m0 is None and not q.relu


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from(["max", "percentile"]))
def test_forward_int_equals_python_int_reference(seed, per_channel, method):
    rng = np.random.default_rng(seed)
    sizes = [int(k) for k in rng.integers(1, 7, size=rng.integers(2, 5))]
    layers = random_mlp(rng, sizes)
    x = rng.uniform(-1, 1, (8, sizes[0]))
    try:
        qlayers = nn.quantize_mlp(layers, x, per_channel=per_channel, method=method, percentile=90.0)
    except ValueError as err:  # a random net may have a dead layer (alpha 0) or M >= 1
        assume("alpha" not in str(err) and "multiplier" not in str(err))
        raise
    x_q = nn.quantize_input(qlayers, x)
    outs = nn.forward_int(qlayers, x_q, return_all=True)
    expected = ref_forward(qlayers, x_q)
    assert [o.tolist() for o in outs] == expected
    assert all(o.dtype == np.int8 for o in outs[:-1]) and outs[-1].dtype == np.int32
    assert all(o.min() >= 0 for o in outs[:-1])  # ReLU on integers
    np.testing.assert_array_equal(nn.forward_int(qlayers, x_q), outs[-1])


def test_forward_int_refuses_float_input():
    layers = random_mlp(np.random.default_rng(0), [3, 2])
    qlayers = nn.quantize_mlp(layers, np.ones((2, 3)))
    with pytest.raises(TypeError, match="x_q"):
        nn.forward_int(qlayers, np.ones((1, 3)))


def test_per_channel_logits_must_be_dequantized_before_argmax():
    # two classes whose weight rows have very different scales: the raw accumulators rank
    # them the wrong way round
    layers = [(np.array([[1.0], [0.01]]), np.zeros(2))]
    qlayers = nn.quantize_mlp(layers, [[1.0]], per_channel=True)
    x = np.array([[1.0]])
    acc = nn.forward_int(qlayers, nn.quantize_input(qlayers, x))
    assert acc.tolist() == [[127 * 127, 127 * 127]]
    logits = nn.dequantize_logits(qlayers, acc)
    np.testing.assert_allclose(logits, [[1.0, 0.01]])
    assert nn.predict_int(qlayers, x).tolist() == [0]


def test_quantize_mlp_rejects_a_multiplier_of_one_or_more():
    # the weights cancel on the calibration data, so the hidden output is tiny (alpha 0.001)
    # while one input step times one weight step is large: M = 1 / (127 * 0.001) > 1
    layers = [(np.array([[1.0, -1.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))]
    with pytest.raises(ValueError, match="layer 0: requantization multiplier"):
        nn.quantize_mlp(layers, [[1.0, 1.0], [1.0, 0.999]])


@pytest.fixture(scope="module")
def digits():
    x_tr, x_te, y_tr, y_te = nn.load_digits_split()
    return x_tr, x_te, y_tr, y_te, nn.train_mlp(x_tr, y_tr, seed=0)


def test_training_is_deterministic(digits):
    x_tr, _, y_tr, _, layers = digits
    again = nn.train_mlp(x_tr, y_tr, seed=0)
    for (w1, b1), (w2, b2) in zip(layers, again, strict=True):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)


def test_digits_int8_per_channel_within_one_point_of_fp32(digits):
    x_tr, x_te, y_tr, y_te, layers = digits
    acc_fp32 = np.mean(nn.forward_float(layers, x_te).argmax(axis=1) == y_te)
    assert acc_fp32 > 0.95
    for per_channel in (True, False):
        qlayers = nn.quantize_mlp(layers, x_tr, per_channel=per_channel)  # calibrated on training data
        acc_int8 = np.mean(nn.predict_int(qlayers, x_te) == y_te)
        assert abs(acc_int8 - acc_fp32) <= 0.01, (per_channel, acc_int8, acc_fp32)


def test_load_digits_split_is_fixed_and_stratified():
    x_tr, x_te, y_tr, y_te = nn.load_digits_split()
    x_tr2, _, y_tr2, _ = nn.load_digits_split()
    np.testing.assert_array_equal(x_tr, x_tr2)
    np.testing.assert_array_equal(y_tr, y_tr2)
    assert len(x_te) == 450 and x_tr.dtype == np.float32
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    # stratified: each class is split 3:1 to within one sample
    assert np.all(np.abs(np.bincount(y_te) * 3 - np.bincount(y_tr)) <= 4)


def test_train_mlp_bad_input():
    with pytest.raises(ValueError, match="one label per row"):
        nn.train_mlp(np.zeros((4, 2)), [0, 1])
    with pytest.raises(TypeError, match="y"):
        nn.train_mlp(np.zeros((2, 2)), [0.0, 1.0])
    with pytest.raises(ValueError, match="2-D"):
        nn.train_mlp(np.zeros(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="sizes"):
        nn.init_mlp([5])
