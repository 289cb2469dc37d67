"""qdq against ONNX Runtime, an independent implementation of the same integer operators.

* ``MatMulInteger`` (int8 x int8 -> int32, zero points absent) must equal ``qdq.int_matmul``
  exactly, on random matrices over the full int8 range (-128 included) and at the extremes.
* ``QuantizeLinear`` with ``scale = 1/s`` and zero point 0 (int8) must equal ``qdq.quantize``,
  ties included (both round half to even), except for the one designed difference: ONNX
  saturates to [-128, 127], the book's symmetric grid to [-127, 127], so every value with
  ``x*s <= -127.5`` becomes -128 in ONNX and -127 in qdq.

Bit-exact agreement is expected when ``1/s`` is a power of two: then ``x*s`` (qdq) and
``x/scale`` (ONNX Runtime, in float32) are the same exact number. For other scales the two
are different floating-point computations that can round a value within about one
float32 ulp of a tie to different sides; those near-tie values are excluded, and counted.

A module-level counter records how many values were compared; the total is printed at the
end of the module (visible in pytest's output).
"""

from __future__ import annotations

import os
from collections import Counter
from functools import cache

import numpy as np
import pytest

import qdq

if os.environ.get("CI"):  # CI installs requirements-dev.txt: a missing package is a failure
    import onnx
    import onnxruntime as ort
else:
    onnx = pytest.importorskip("onnx", reason="onnx is a test dependency (requirements-dev.txt)")
    ort = pytest.importorskip("onnxruntime", reason="onnxruntime is a test dependency (requirements-dev.txt)")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OPSET = 21
IR_VERSION = 10  # what onnxruntime 1.32 accepts for opset 21
CHECKED: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_checked_values(request):
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    # Counters grow only after a comparison's assertions passed: every counted value agreed.
    line = (
        f"ONNX Runtime reference: {CHECKED['matmul']} int32 MatMulInteger results "
        f"({CHECKED['macs']} multiply-adds) identical to qdq.int_matmul; {CHECKED['quantize']} "
        f"QuantizeLinear values identical to qdq.quantize except the designed -128 vs -127 on "
        f"{CHECKED['below']} of them (x*s <= -127.5); {CHECKED['near_tie_excluded']} near-tie "
        "values excluded for non-power-of-two scales"
    )
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # print past pytest's output capture
            reporter.write_line("")
            reporter.write_line(line)


def _session(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "qdq_reference", inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


@cache
def matmul_integer_session(rank_a: int, rank_b: int):
    """A (int8, [..., M, K]) x B (int8, [K, N]) -> int32; no zero points (both 0)."""
    a = helper.make_tensor_value_info("A", TensorProto.INT8, [None] * rank_a)
    b = helper.make_tensor_value_info("B", TensorProto.INT8, [None] * rank_b)
    y = helper.make_tensor_value_info("Y", TensorProto.INT32, [None] * max(rank_a, rank_b))
    return _session([helper.make_node("MatMulInteger", ["A", "B"], ["Y"])], [a, b], [y])


@cache
def quantize_linear_session():
    """QuantizeLinear(X float32, scale float32 scalar, zero point int8 0) -> int8."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [None])
    scale = helper.make_tensor_value_info("scale", TensorProto.FLOAT, [])
    y = helper.make_tensor_value_info("Y", TensorProto.INT8, [None])
    zero_point = numpy_helper.from_array(np.array(0, dtype=np.int8), "zero_point")
    node = helper.make_node("QuantizeLinear", ["X", "scale", "zero_point"], ["Y"])
    return _session([node], [x, scale], [y], [zero_point])


def ort_matmul(a, b):
    return matmul_integer_session(a.ndim, b.ndim).run(None, {"A": a, "B": b})[0]


def ort_quantize(x, scale):
    return quantize_linear_session().run(None, {"X": x, "scale": np.array(scale, dtype=np.float32)})[0]


def assert_matmul_agrees(a, b):
    expected = ort_matmul(a, b)
    got = qdq.int_matmul(a, b)
    assert expected.dtype == got.dtype == np.int32
    np.testing.assert_array_equal(got, expected)
    CHECKED["matmul"] += got.size
    CHECKED["macs"] += got.size * a.shape[-1]


# --- MatMulInteger -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(100))
def test_matmul_integer_random_full_int8_range(seed):
    rng = np.random.default_rng(seed)
    m, k, n = rng.integers(1, 48, size=3)
    a = rng.integers(-128, 128, size=(m, k), dtype=np.int8)
    b = rng.integers(-128, 128, size=(k, n), dtype=np.int8)
    assert_matmul_agrees(a, b)


@pytest.mark.parametrize("seed", range(10))
def test_matmul_integer_extremes_only(seed):
    """Operands drawn from {-128, -127, -1, 0, 1, 127}: the largest products and their signs."""
    rng = np.random.default_rng(1000 + seed)
    values = np.array([-128, -127, -1, 0, 1, 127], dtype=np.int8)
    a = rng.choice(values, size=(16, 300))
    b = rng.choice(values, size=(300, 12))
    assert_matmul_agrees(a, b)


def test_matmul_integer_batched_and_vector_shapes():
    rng = np.random.default_rng(7)
    a = rng.integers(-128, 128, size=(3, 5, 33), dtype=np.int8)
    b = rng.integers(-128, 128, size=(33, 4), dtype=np.int8)
    assert_matmul_agrees(a, b)
    row = rng.integers(-128, 128, size=(1, 64), dtype=np.int8)
    col = rng.integers(-128, 128, size=(64, 1), dtype=np.int8)
    assert_matmul_agrees(row, col)


@pytest.mark.parametrize(
    ("k", "a_value", "b_value"),
    [
        (qdq.max_terms(), 127, 127),    # the book's symmetric grid: largest positive sum that fits
        (qdq.max_terms(), -127, 127),   # and its negative
        (131071, -128, -128),           # full int8 range: (2**31 - 1) // 128**2 terms of +16384
        (132104, -128, 127),            # 2**31 // 16256 terms of -16256
    ],
)
def test_matmul_integer_longest_safe_dot_products(k, a_value, b_value):
    a = np.full((1, k), a_value, dtype=np.int8)
    b = np.full((k, 1), b_value, dtype=np.int8)
    assert abs(k * a_value * b_value) <= 2**31
    assert_matmul_agrees(a, b)


@pytest.mark.parametrize(("k", "a_value", "b_value"), [(131072, -128, -128), (qdq.max_terms() + 1, 127, 127)])
def test_onnx_runtime_wraps_where_int_matmul_raises(k, a_value, b_value):
    """One term past the bound, ONNX Runtime silently wraps modulo 2**32; qdq refuses."""
    a = np.full((1, k), a_value, dtype=np.int8)
    b = np.full((k, 1), b_value, dtype=np.int8)
    exact = k * a_value * b_value
    assert exact > qdq.INT32_MAX
    wrapped = (exact + 2**31) % 2**32 - 2**31
    assert int(ort_matmul(a, b)[0, 0]) == wrapped
    with pytest.raises(OverflowError, match="outside int32"):
        qdq.int_matmul(a, b)


# --- QuantizeLinear ----------------------------------------------------------------------

POWER_OF_TWO_S = [2.0**e for e in range(-4, 11)]  # 1/s is exact in float32


def _compare_quantize(x, s):
    """Compare on float32 ``x``; return how many values fell below -127.5 (the designed gap)."""
    expected = ort_quantize(x, 1.0 / s)
    got = qdq.quantize(x, s)
    assert expected.dtype == got.dtype == np.int8
    below = x.astype(np.float64) * s <= -127.5
    # The one designed difference: ONNX saturates to -128, the symmetric scheme to -127.
    np.testing.assert_array_equal(expected[below], -128)
    np.testing.assert_array_equal(got[below], -127)
    np.testing.assert_array_equal(got[~below], expected[~below])
    CHECKED["quantize"] += x.size
    CHECKED["below"] += int(below.sum())
    return int(below.sum())


@pytest.mark.parametrize("s", POWER_OF_TWO_S)
def test_quantize_linear_exact_ties_round_half_to_even(s):
    k = np.arange(-140, 140, dtype=np.float64)
    ties = ((k + 0.5) / s).astype(np.float32)   # exact halves, e.g. 0.5, 1.5, -2.5, -127.5
    assert np.array_equal(ties.astype(np.float64) * s, k + 0.5)
    got = qdq.quantize(ties, s)
    inside = np.abs(k + 0.5) < 127
    # Independent of both: Python's round() is round-half-to-even too.
    np.testing.assert_array_equal(got[inside], [round(v) for v in (k + 0.5)[inside]])
    assert _compare_quantize(ties, s) == np.count_nonzero(k + 0.5 <= -127.5)


@pytest.mark.parametrize("s", POWER_OF_TWO_S)
def test_quantize_linear_random_near_ties_and_extremes(s):
    rng = np.random.default_rng(int(np.log2(s)) + 100)
    uniform = rng.uniform(-200.0, 200.0, size=20_000) / s
    halves = (rng.integers(-140, 140, size=2_000) + 0.5) / s
    near = np.concatenate([np.nextafter(halves.astype(np.float32), np.float32(np.inf)),
                           np.nextafter(halves.astype(np.float32), np.float32(-np.inf))])
    extremes = np.array([0.0, -0.0, 127.0, -127.0, 127.5, -127.5, 128.0, -128.0, 1e6, -1e6]) / s
    x = np.concatenate([uniform.astype(np.float32), near, extremes.astype(np.float32)])
    assert _compare_quantize(x, s) > 0


@pytest.mark.parametrize("seed", range(10))
def test_quantize_linear_general_scales_away_from_ties(seed):
    rng = np.random.default_rng(200 + seed)
    scale = np.float32(rng.uniform(1e-3, 1.0))  # what ONNX stores
    s = 1.0 / float(scale)                       # the book's s for the same grid
    assert np.float32(1.0 / s) == scale          # so ONNX Runtime gets exactly `scale` back
    x = (rng.uniform(-200.0, 200.0, size=20_000) / s).astype(np.float32)
    scaled = x.astype(np.float64) * s
    near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-4  # within ~7 float32 ulps at 130
    CHECKED["near_tie_excluded"] += int(near_tie.sum())
    assert near_tie.sum() < 0.001 * x.size
    _compare_quantize(x[~near_tie], s)
