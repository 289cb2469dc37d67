"""Benchmarks behind the book's appendix "성능 측정": qdq against baselines timed in the same run.

Run ``make bench`` (or ``python benchmarks/bench.py``). It writes ``benchmarks/results.json``
(read by ``notebooks/a2_performance.ipynb``) and ``benchmarks/results.md`` and prints the ratios.

Absolute times on a shared two-core machine drift from run to run, so every figure is a
ratio against a baseline timed in the same run: baseline and candidate alternate, each
repeated several times, and the ratio is the quotient of the two medians.

Sections
--------
targets  quantize / dequantize on 10**7 values against ``astype`` (the single pass that
         reads and writes the same bytes), fixed_mul on 10**6 Q8.8 pairs against fxpmath,
         per-axis against per-tensor quantization of a 4096x4096 matrix.
memory   peak memory of the same calls: tracemalloc (NumPy reports its buffers to it) and
         the peak resident set size (ru_maxrss) of a fresh process running one call.
matmul   INT8 against FP32 matrix products with NumPy, qdq.int_matmul and ONNX Runtime.
hdl      simulation rate of the same MAC testbench in MyHDL and in Icarus Verilog.

``--quick`` runs every section on tiny sizes in a few seconds (the test suite uses it);
its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import qdq

HERE = Path(__file__).resolve().parent
SEED = 2024
CPU_FEATURES = ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx512_bf16",
                "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16", "asimd", "asimddp", "i8mm")


# --- timing ---------------------------------------------------------------------------------

def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(candidate, baseline, reps: int) -> dict:
    """Time ``candidate`` against ``baseline``, run alternately ``reps`` times each.

    The ratio is the median of the ratios of neighbouring runs, so a slow spell of the
    machine (other processes) slows both sides of a pair and cancels out.
    """
    candidate(), baseline()  # warm up: first-touch page faults, lazy imports, caches
    cand, base = [], []
    for _ in range(reps):
        base.append(_once(baseline))
        cand.append(_once(candidate))
    ratio = statistics.median(c / b for c, b in zip(cand, base, strict=True))
    return {"time_ms": 1e3 * statistics.median(cand), "baseline_ms": 1e3 * statistics.median(base),
            "ratio": ratio, "reps": reps}


def round_robin(runs: dict, reps: dict) -> tuple[dict, dict]:
    """Median ms of each ``runs[name]()`` over ``reps[name]`` runs, taken in turns.

    One warm-up run each first (skipped for a kernel timed only once). Returns the medians
    and each kernel's last result.
    """
    times = {name: [] for name in runs}
    results = {name: fn() for name, fn in runs.items() if reps[name] > 1}
    for round_ in range(max(reps.values())):
        for name, fn in runs.items():
            if round_ < reps[name]:
                start = time.perf_counter()
                results[name] = fn()
                times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(ts) for name, ts in times.items()}, results


# --- the machine ----------------------------------------------------------------------------

def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    """What the numbers were measured on: CPU, cores, memory, library versions, date."""
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "cpu_features": [],
        "memory_gib": None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {pkg: _version(pkg) for pkg in ("numpy", "onnxruntime", "fxpmath", "myhdl", "qdq")},
        "blas": None,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        fields = {}
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
        info["cpu"] = fields.get("model name", info["cpu"])
        flags = set((fields.get("flags") or fields.get("Features") or "").split())
        info["cpu_features"] = [f for f in CPU_FEATURES if f in flags]
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        info["memory_gib"] = round(total_kib / 2**20, 1)
    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if blas:
        keys = ("internal_api", "version", "architecture", "num_threads")
        info["blas"] = {k: blas[0].get(k) for k in keys}
    iverilog = shutil.which("iverilog")
    if iverilog:
        out = subprocess.run([iverilog, "-V"], capture_output=True, text=True).stdout.splitlines()
        info["versions"]["iverilog"] = out[0].replace("Icarus Verilog version", "").strip() if out else None
    return info


# --- 1. speed targets -------------------------------------------------------------------------

def plain_quantize(x, s):
    """The obvious NumPy chain: every step makes a full-size temporary."""
    return np.clip(np.rint(x * s), -127, 127).astype(np.int8)


def fxpmath_mul(a, b, rounding: str):
    """Q8.8 product in fxpmath: raw int16 operands in, saturated Q8.8 raw values out."""
    from fxpmath import Fxp

    fmt = {"signed": True, "n_word": 16, "n_frac": 8, "rounding": rounding, "overflow": "saturate"}
    out = Fxp(None, **fmt)
    fa = Fxp(a, raw=True, op_out_like=out, **fmt)
    fb = Fxp(b, raw=True, op_out_like=out, **fmt)
    return np.asarray((fa * fb).val, dtype=np.int64)


def targets(quick: bool) -> list[dict]:
    rng = np.random.default_rng(SEED)
    n = 10**4 if quick else 10**7
    reps = 3 if quick else 31
    x = rng.standard_normal(n, dtype=np.float32)
    s = qdq.scale_factor(qdq.absmax(x))  # float32, as for any float32 tensor
    s_clip = qdq.scale_factor(np.float32(np.quantile(np.abs(x), 0.999)))  # calibrated: 0.1 % clip
    q = qdq.quantize(x, s)
    rows = []

    def row(name, what, baseline, goal, result, **extra):
        """``goal``: ("max_ratio", 2.5) means time / baseline <= 2.5; ("min_speedup", 20) the reverse."""
        rows.append({"name": name, "what": what, "n": extra.pop("n", n), "baseline": baseline,
                     "goal": goal, **result, "speedup": 1 / result["ratio"], **extra})

    r = compare(lambda: qdq.quantize(x, s), lambda: x.astype(np.int8), reps)
    row("quantize", "qdq.quantize(x, s), float32 x, float32 s = 127/max|x|", "x.astype(np.int8)",
        ("max_ratio", 2.5), r, identical=bool(np.array_equal(qdq.quantize(x, s), plain_quantize(x, s))))
    r = compare(lambda: qdq.quantize(x, s_clip), lambda: x.astype(np.int8), reps)
    row("quantize_clipping", "qdq.quantize, alpha at the 99.9th percentile of |x| (clips 0.1 %)",
        "x.astype(np.int8)", ("max_ratio", 2.5), r,
        identical=bool(np.array_equal(qdq.quantize(x, s_clip), plain_quantize(x, s_clip))))
    s64 = float(s)
    r = compare(lambda: qdq.quantize(x, s64), lambda: x.astype(np.int8), reps)
    row("quantize_float64_scale", "qdq.quantize with a Python-float s: the product is float64",
        "x.astype(np.int8)", None, r)
    r = compare(lambda: plain_quantize(x, s), lambda: x.astype(np.int8), reps)
    row("plain_numpy_chain", "np.clip(np.rint(x*s), -127, 127).astype(np.int8)", "x.astype(np.int8)",
        None, r)

    r = compare(lambda: qdq.dequantize(q, s), lambda: q.astype(np.float32), reps)
    row("dequantize", "qdq.dequantize(q, s), int8 q, float32 s -> float32", "q.astype(np.float32)",
        ("max_ratio", 2.5), r)
    r = compare(lambda: qdq.dequantize(q, s64), lambda: q.astype(np.float64), reps)
    row("dequantize_float64", "qdq.dequantize(q, s), Python-float s -> float64", "q.astype(np.float64)",
        None, r)

    m = 10**3 if quick else 10**6
    a = rng.integers(-(2**15), 2**15, m, dtype=np.int16)
    b = rng.integers(-(2**15), 2**15, m, dtype=np.int16)
    a[:4], b[:4] = [1, 3, -1, -3], [128, 128, 128, 128]  # ties in the dropped byte
    same = all(
        np.array_equal(qdq.fixed_mul(a, b, rounding=ours), fxpmath_mul(a, b, theirs))
        for ours, theirs in (("nearest", "nearest_posinf"), ("floor", "floor"))
    )
    r = compare(lambda: qdq.fixed_mul(a, b), lambda: fxpmath_mul(a, b, "nearest_posinf"), 1 if quick else 3)
    row("fixed_mul", "qdq.fixed_mul on Q8.8 pairs, rounding 'nearest' (= fxpmath 'nearest_posinf')",
        "fxpmath Fxp(a) * Fxp(b) -> Q8.8", ("min_speedup", 20), r, identical=bool(same), n=m,
        rounding="qdq 'nearest' = fxpmath 'nearest_posinf' (ties toward +inf); "
                 "also checked: qdq 'floor' = fxpmath 'floor'")

    side = 64 if quick else 4096
    w = rng.standard_normal((side, side), dtype=np.float32)
    s_tensor = qdq.scale_factor(qdq.absmax(w))
    for axis in (0, 1):
        s_axis = qdq.scale_factor(qdq.absmax(w, axis=1 - axis))
        r = compare(lambda s_axis=s_axis, axis=axis: qdq.quantize(w, s_axis, axis=axis),
                    lambda: qdq.quantize(w, s_tensor), reps)
        row(f"per_axis_{axis}", f"qdq.quantize(w, s, axis={axis}), one s per {('row', 'column')[axis]}",
            "qdq.quantize(w, s) per tensor", ("max_ratio", 1.5), r, n=side * side, shape=[side, side])

    for r in rows:
        kind, limit = r["goal"] or (None, None)
        ok = {"max_ratio": r["ratio"] <= (limit or 0), "min_speedup": r["speedup"] >= (limit or 0)}.get(kind)
        r["met"] = None if kind is None else bool(ok and r.get("identical", True))
    return rows


def goal_text(goal) -> str:
    if not goal:
        return "-"
    kind, limit = goal
    return f"<= {limit}x" if kind == "max_ratio" else f">= {limit}x faster"


# --- 2. memory ------------------------------------------------------------------------------

def traced_peak(fn) -> tuple[int, int]:
    """Peak bytes NumPy allocated during ``fn()`` (tracemalloc), and the result's size."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, out.nbytes


def _peak_rss_kib() -> int:
    """Peak resident set size of this process so far, in KiB.

    Linux's ``VmHWM`` belongs to the process's own address space, which ``exec`` renews;
    ``ru_maxrss`` would instead carry over the parent's peak into a freshly started child.
    """
    status = Path("/proc/self/status")
    if status.exists():
        return int(status.read_text().split("VmHWM:")[1].split()[0])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


RSS_CASES = {
    # name: (input maker, operation)
    "x.astype(np.int8)": ("float32", lambda x, s: x.astype(np.int8)),
    "qdq.quantize": ("float32", lambda x, s: qdq.quantize(x, s)),
    "plain NumPy chain": ("float32", plain_quantize),
    "q.astype(np.float32)": ("int8", lambda q, s: q.astype(np.float32)),
    "qdq.dequantize": ("int8", lambda q, s: qdq.dequantize(q, s)),
}


def rss_child(name: str, n: int) -> None:
    """In a fresh process: make the input (no temporaries), then run one call; print RSS peaks."""
    kind, op = RSS_CASES[name]
    rng = np.random.default_rng(SEED)
    data = (rng.standard_normal(n, dtype=np.float32) if kind == "float32"
            else rng.integers(-127, 128, n, dtype=np.int8))
    s = np.float32(127 / 5.0)  # alpha = 5 (a fixed value, so no absmax temporary)
    before = _peak_rss_kib()
    out = op(data, s)
    print(json.dumps({"before_kib": before, "after_kib": _peak_rss_kib(), "input_bytes": data.nbytes,
                      "output_bytes": out.nbytes}))


def memory(quick: bool) -> list[dict]:
    rng = np.random.default_rng(SEED)
    n = 10**4 if quick else 10**7
    x = rng.standard_normal(n, dtype=np.float32)
    s = qdq.scale_factor(qdq.absmax(x))
    q = qdq.quantize(x, s)
    m = 10**3 if quick else 10**6
    a = rng.integers(-(2**15), 2**15, m, dtype=np.int16)
    b = rng.integers(-(2**15), 2**15, m, dtype=np.int16)
    w = x[: (n // 4096) * 4096].reshape(-1, 4096) if not quick else x.reshape(100, 100)
    s_rows = qdq.scale_factor(qdq.absmax(w, axis=1))
    cases = {
        "x.astype(np.int8)": (lambda: x.astype(np.int8), x.nbytes),
        "qdq.quantize": (lambda: qdq.quantize(x, s), x.nbytes),
        "plain NumPy chain": (lambda: plain_quantize(x, s), x.nbytes),
        "qdq.quantize per axis": (lambda: qdq.quantize(w, s_rows, axis=0), w.nbytes),
        "q.astype(np.float32)": (lambda: q.astype(np.float32), q.nbytes),
        "qdq.dequantize": (lambda: qdq.dequantize(q, s), q.nbytes),
        "qdq.fixed_mul": (lambda: qdq.fixed_mul(a, b), a.nbytes + b.nbytes),
    }
    rows = []
    for name, (fn, input_bytes) in cases.items():
        peak, out_bytes = traced_peak(fn)
        row = {"name": name, "input_mib": input_bytes / 2**20, "output_mib": out_bytes / 2**20,
               "traced_peak_mib": peak / 2**20,
               "temporaries_per_input": (peak - out_bytes) / input_bytes,
               "rss_extra_mib": None}
        if name in RSS_CASES and not quick:
            child = subprocess.run([sys.executable, __file__, "--rss-child", name, str(n)],
                                   capture_output=True, text=True, check=True)
            got = json.loads(child.stdout)
            row["rss_extra_mib"] = (got["after_kib"] - got["before_kib"]) / 1024
        rows.append(row)
    return rows


# --- 3. INT8 against FP32 matrix products ------------------------------------------------------

def _ort_sessions():
    """ONNX Runtime sessions for float MatMul and MatMulInteger (int8 x int8, uint8 x int8)."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    def session(op, a_type, b_type, y_type, a_zero_point=None):
        inputs = [helper.make_tensor_value_info("A", a_type, ["M", "K"]),
                  helper.make_tensor_value_info("B", b_type, ["K", "N"])]
        output = helper.make_tensor_value_info("Y", y_type, ["M", "N"])
        init, names = [], ["A", "B"]
        if a_zero_point is not None:
            init.append(numpy_helper.from_array(np.array(a_zero_point, np.uint8), "a_zero_point"))
            names.append("a_zero_point")
        graph = helper.make_graph([helper.make_node(op, names, ["Y"])], op, inputs, [output], init)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # one core, like the BLAS here
        return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    return {
        "ort_float32": session("MatMul", TensorProto.FLOAT, TensorProto.FLOAT, TensorProto.FLOAT),
        "ort_s8s8": session("MatMulInteger", TensorProto.INT8, TensorProto.INT8, TensorProto.INT32),
        "ort_u8s8": session("MatMulInteger", TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32, 128),
    }


MATMUL_KERNELS = {
    "numpy_float32": "NumPy float32 A @ B (OpenBLAS)",
    "numpy_int32": "NumPy np.matmul(Aq, Bq, dtype=np.int32) (no BLAS)",
    "qdq_int_matmul": "qdq.int_matmul(Aq, Bq) (int64, overflow-checked)",
    "ort_float32": "ONNX Runtime MatMul, float32",
    "ort_s8s8": "ONNX Runtime MatMulInteger, int8 x int8",
    "ort_u8s8": "ONNX Runtime MatMulInteger, uint8 (zero point 128) x int8",
}


def _matmul_row(n, rng, sessions, int_matmul, quick, with_slow) -> dict:
    """Median times of one n x n product with every kernel; integer results checked exactly."""
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    aq = qdq.quantize(a, qdq.scale_factor(qdq.absmax(a)))
    bq = qdq.quantize(b, qdq.scale_factor(qdq.absmax(b)))
    au = (aq.astype(np.int16) + 128).astype(np.uint8)  # the same values with zero point 128
    # Exact reference: every partial sum is an integer far below 2**53, so float64 BLAS is exact.
    reference = (aq.astype(np.float64) @ bq.astype(np.float64)).astype(np.int64)
    runs = {
        "numpy_float32": lambda: a @ b,
        "ort_float32": lambda: sessions["ort_float32"].run(None, {"A": a, "B": b})[0],
        "ort_s8s8": lambda: sessions["ort_s8s8"].run(None, {"A": aq, "B": bq})[0],
        "ort_u8s8": lambda: sessions["ort_u8s8"].run(None, {"A": au, "B": bq})[0],
    }
    if with_slow:
        runs["numpy_int32"] = lambda: np.matmul(aq, bq, dtype=np.int32)
        if int_matmul is not None:
            runs["qdq_int_matmul"] = lambda: int_matmul(aq, bq)
    fast = 2 if quick else (15 if n <= 256 else 7 if n <= 1024 else 3)
    slow = 1 if quick else (5 if n <= 256 else 3 if n <= 512 else 1)  # NumPy integer products
    reps = {name: slow if name in ("numpy_int32", "qdq_int_matmul") else fast for name in runs}
    ms, results = round_robin(runs, reps)
    identical = all(np.array_equal(results[k], reference) for k in runs if not k.endswith("float32"))
    return {"n": n, "ms": ms, "reps": reps, "identical": bool(identical),
            "speedup": {k: ms["numpy_float32"] / v for k, v in ms.items()}}


def matmul(quick: bool) -> dict:
    sizes = [16, 32] if quick else [64, 128, 256, 512, 1024, 2048]
    slow_limit = 32 if quick else 1024  # NumPy's integer matmul takes ~7 s at 1024 and ~8x that at 2048
    sessions = _ort_sessions()
    int_matmul = getattr(qdq, "int_matmul", None)
    rng = np.random.default_rng(SEED)
    # One thread everywhere: on a small shared machine, thread pools that wait for each
    # other (or for a descheduled peer) make multi-threaded timings erratic.
    with threadpool_limits(1, user_api="blas"):
        rows = [_matmul_row(n, rng, sessions, int_matmul, quick, n <= slow_limit) for n in sizes]
    return {"kernels": MATMUL_KERNELS, "rows": rows, "threads": 1,
            "int_matmul_available": int_matmul is not None, "slow_limit": slow_limit}


# --- 4. MyHDL against Icarus Verilog --------------------------------------------------------

TESTBENCH = """`timescale 1ns/10ps
module tb;
  parameter N = 1;
  reg clk = 0, rst = 0, en = 1, clear = 0;
  reg signed [7:0] a = 0, b = 0;
  wire signed [31:0] acc;
  reg [16:0] stim [0:N-1];
  integer i, f;
  mac dut (.clk(clk), .rst(rst), .en(en), .clear(clear), .a(a), .b(b), .acc(acc));
  initial begin
    $readmemh("stim.hex", stim);
    f = $fopen("acc.txt", "w");
    for (i = 0; i < N; i = i + 1) begin
      {clear, a, b} = stim[i];
      #5 clk = 1;
      #1 $fdisplay(f, "%0d", acc);
      #4 clk = 0;
    end
    $fclose(f);
    $finish;
  end
endmodule
"""


def hdl(quick: bool) -> dict:
    """Cycles per second of the same MAC testbench: MyHDL's simulator against Icarus (vvp)."""
    iverilog, vvp = shutil.which("iverilog"), shutil.which("vvp")
    if not (iverilog and vvp):
        return {"skipped": "iverilog/vvp not installed"}
    try:
        from qdq.hdl.export import export_hdl
        from qdq.hdl.sim import simulate_mac
    except ImportError as err:
        return {"skipped": f"qdq.hdl not importable: {err}"}
    cycles = 200 if quick else 50_000
    reps = 1 if quick else 3
    rng = np.random.default_rng(SEED)
    a = rng.integers(-127, 128, cycles)
    b = rng.integers(-127, 128, cycles)
    clear_every = 256
    clear = (np.arange(cycles) % clear_every == 0).astype(np.int64)  # start a new sum now and then
    with tempfile.TemporaryDirectory(prefix="qdq-bench-") as tmp:
        d = Path(tmp)
        export_hdl(d, "verilog")
        (d / "tb.v").write_text(TESTBENCH)
        words = (clear << 16) | ((a & 0xFF) << 8) | (b & 0xFF)  # {clear, a, b} as the testbench reads it
        (d / "stim.hex").write_text("".join(f"{int(word):05x}\n" for word in words))
        start = time.perf_counter()
        subprocess.run([iverilog, "-g2005", f"-Ptb.N={cycles}", "-o", "sim.vvp", "tb.v", "mac.v"],
                       cwd=d, check=True, capture_output=True)
        compile_s = time.perf_counter() - start
        t_icarus = statistics.median(
            _once(lambda: subprocess.run([vvp, "-n", "sim.vvp"], cwd=d, check=True, capture_output=True))
            for _ in range(reps))
        icarus = np.loadtxt(d / "acc.txt", dtype=np.int64, ndmin=1)
    t_myhdl = statistics.median(_once(lambda: simulate_mac(a, b, clear=clear)) for _ in range(reps))
    myhdl = simulate_mac(a, b, clear=clear)
    return {"cycles": cycles, "clear_every": clear_every, "myhdl_s": t_myhdl, "icarus_s": t_icarus,
            "icarus_compile_s": compile_s,
            "myhdl_cycles_per_s": cycles / t_myhdl, "icarus_cycles_per_s": cycles / t_icarus,
            "icarus_over_myhdl": t_myhdl / t_icarus, "identical": bool(np.array_equal(myhdl, icarus))}


# --- report ---------------------------------------------------------------------------------

def markdown(res: dict) -> str:
    m = res["machine"]
    lines = ["# qdq benchmark results", "",
             f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gib']} GiB), "
             f"Python {m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
             f"CPU features: {', '.join(m['cpu_features']) or 'n/a'}. BLAS: {m['blas']}.", "",
             "Ratios are medians of alternating runs against a baseline timed in the same run.", "",
             "## Speed targets", "",
             "| what | n | baseline | baseline ms | ms | ratio | goal | met |",
             "|---|---:|---|---:|---:|---:|---|---|"]
    for r in res["targets"]:
        what = r["what"].replace("|", "\\|")  # a bare | would split the table cell
        lines.append(f"| {what} | {r['n']:,} | `{r['baseline']}` | {r['baseline_ms']:.2f} | "
                     f"{r['time_ms']:.2f} | {r['ratio']:.3g} | {goal_text(r['goal'])} | "
                     f"{'-' if r['met'] is None else 'yes' if r['met'] else 'NO'} |")
    lines += ["", "## Peak memory", "",
              "| call | input MiB | output MiB | traced peak MiB | temporaries / input | extra RSS MiB |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in res["memory"]:
        rss = "-" if r["rss_extra_mib"] is None else f"{r['rss_extra_mib']:.1f}"
        lines.append(f"| {r['name']} | {r['input_mib']:.1f} | {r['output_mib']:.1f} | "
                     f"{r['traced_peak_mib']:.1f} | {r['temporaries_per_input']:.2f} | {rss} |")
    mm = res["matmul"]
    names = list(mm["kernels"])
    lines += ["", "## Matrix products n x n, one thread (ms; speedup over NumPy float32 in brackets)", "",
              "| n | " + " | ".join(names) + " | integer results identical |",
              "|---:|" + "---:|" * len(names) + "---|"]
    for r in mm["rows"]:
        cells = [f"{r['ms'][k]:.3f} ({r['speedup'][k]:.2f}x)" if k in r["ms"] else "-" for k in names]
        lines.append(f"| {r['n']} | " + " | ".join(cells) + f" | {'yes' if r['identical'] else 'NO'} |")
    lines += [""] + [f"- `{k}`: {v}" for k, v in mm["kernels"].items()]
    h = res["hdl"]
    lines += ["", "## MAC testbench: MyHDL against Icarus Verilog", ""]
    if "skipped" in h:
        lines.append(f"Skipped: {h['skipped']}.")
    else:
        lines.append(f"{h['cycles']:,} clock cycles: MyHDL {h['myhdl_cycles_per_s']:,.0f} cycles/s, "
                     f"Icarus {h['icarus_cycles_per_s']:,.0f} cycles/s "
                     f"({h['icarus_over_myhdl']:.1f}x; compile {h['icarus_compile_s']:.2f} s); "
                     f"outputs identical: {h['identical']}.")
    return "\n".join(lines) + "\n"


def summary(res: dict) -> str:
    out = []
    for r in res["targets"]:
        met = "" if r["met"] is None else ("  [met]" if r["met"] else "  [NOT MET]")
        out.append(f"{r['name']:<24} {r['ratio']:7.3g}x the time of {r['baseline']}  "
                   f"(goal {goal_text(r['goal'])}){met}")
    for r in res["memory"]:
        out.append(f"memory {r['name']:<24} temporaries {r['temporaries_per_input']:.2f} x input")
    for r in res["matmul"]["rows"]:
        out.append(f"matmul n={r['n']:<5} " + "  ".join(f"{k} {v:.2f}x" for k, v in r["speedup"].items()))
    h = res["hdl"]
    if "skipped" in h:
        out.append(f"hdl: skipped ({h['skipped']})")
    else:
        out.append(f"hdl: Icarus {h['icarus_over_myhdl']:.1f}x faster than MyHDL "
                   f"({h['icarus_cycles_per_s']:,.0f} vs {h['myhdl_cycles_per_s']:,.0f} cycles/s)")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--out", type=Path, default=HERE, help="directory for results.json and results.md")
    parser.add_argument("--rss-child", nargs=2, metavar=("CASE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child[0], int(args.rss_child[1]))
        return 0
    start = time.perf_counter()
    res = {"schema": 1, "quick": args.quick, "machine": machine()}
    for name, section in (("targets", targets), ("memory", memory), ("matmul", matmul), ("hdl", hdl)):
        t = time.perf_counter()
        res[name] = section(args.quick)
        print(f"[{name}: {time.perf_counter() - t:.1f} s]", file=sys.stderr)
    res["total_s"] = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n")
    (args.out / "results.md").write_text(markdown(res))
    print(summary(res))
    print(f"wrote {args.out / 'results.json'} and results.md in {res['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
