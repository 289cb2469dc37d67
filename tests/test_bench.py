"""The benchmark script runs (on tiny sizes) and its stored results have what appendix B reads.

No timing is asserted here: the numbers themselves are only reported, by `make bench`.
"""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT

RESULTS = ROOT / "benchmarks" / "results.json"
TARGETS = {"quantize", "quantize_clipping", "dequantize", "fixed_mul", "per_axis_0", "per_axis_1"}
KERNELS = {"numpy_float32", "ort_float32", "ort_s8s8", "ort_u8s8"}


def load_bench():
    spec = importlib.util.spec_from_file_location("qdq_bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_layout(res: dict) -> None:
    assert {"machine", "targets", "memory", "matmul", "hdl"} <= set(res)
    assert {"date", "cpu", "cores", "versions", "cpu_features"} <= set(res["machine"])
    rows = {r["name"]: r for r in res["targets"]}
    assert TARGETS <= set(rows)
    for r in rows.values():
        assert {"time_ms", "baseline_ms", "ratio", "speedup", "goal", "met"} <= set(r)
    # Results must be identical to the references, whatever the speed.
    assert rows["quantize"]["identical"] and rows["quantize_clipping"]["identical"]
    assert rows["fixed_mul"]["identical"]
    assert {m["name"] for m in res["memory"]} >= {"qdq.quantize", "qdq.dequantize", "qdq.fixed_mul"}
    for row in res["matmul"]["rows"]:
        assert KERNELS <= set(row["ms"]) and row["identical"]
    assert "skipped" in res["hdl"] or res["hdl"]["identical"]


def test_quick_run_writes_json_and_markdown(tmp_path):
    bench = load_bench()
    assert bench.main(["--quick", "--out", str(tmp_path)]) == 0
    res = json.loads((tmp_path / "results.json").read_text())
    assert res["quick"] is True
    check_layout(res)
    assert "## Speed targets" in (tmp_path / "results.md").read_text()


def test_stored_results_are_a_full_run():
    res = json.loads(RESULTS.read_text())
    assert res["quick"] is False
    check_layout(res)
    assert [r["n"] for r in res["matmul"]["rows"]][-1] >= 1024
