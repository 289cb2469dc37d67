"""The exported Verilog, simulated in Icarus Verilog, against the NumPy golden model.

Vectors go to a file, a generated testbench applies them to the module's ports by name
(``iverilog -g2012``/``vvp``), and the outputs come back to Python for a bit-for-bit
comparison. A mutation test proves the check is strong enough: the same vectors catch a
``>>`` in place of ``>>>``, a dropped ``signed`` and a dropped rounding constant.
"""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest

from conftest import export_for_simulator, require_tool

pytest.importorskip("myhdl")

from qdq import fixed_mul  # noqa: E402
from qdq.hdl.icarus import Port, exported_ports, lint_verilog, run_exported, run_verilog  # noqa: E402
from qdq.hdl.snippets import Q88_FLOOR_MODULE, SEED_MODULE  # noqa: E402
from qdq.hdl.vectors import (  # noqa: E402
    TEST_VECTORS,
    full_vectors,
    golden,
    random_vectors,
)

N_RANDOM = TEST_VECTORS
NAMES = ["mac", "requant", "fxmul"]


@pytest.fixture(scope="module")
def verilog_dir(tmp_path_factory):
    return export_for_simulator(tmp_path_factory, "verilog", "iverilog")


def _vectors(name):
    return full_vectors(name, N_RANDOM, seed=99)


def _mismatch_count(name, verilog_dir, workdir, inputs=None):
    inputs = _vectors(name) if inputs is None else inputs
    got = run_exported(name, inputs, verilog_dir, workdir)
    want = golden(name, inputs)
    assert got.shape == want.shape
    return int(np.count_nonzero(got != want)), want.size


@pytest.mark.parametrize("name", NAMES)
def test_exported_verilog_matches_golden_model_in_icarus(name, verilog_dir, tmp_path):
    mismatches, total = _mismatch_count(name, verilog_dir, tmp_path)
    assert total >= N_RANDOM
    assert mismatches == 0, f"{mismatches} of {total} vectors differ"


@pytest.mark.parametrize("name", NAMES)
def test_iverilog_wall_is_clean(name, verilog_dir, tmp_path):
    assert lint_verilog([verilog_dir / f"{name}.v"], tmp_path) == ""


def test_all_three_modules_compile_together(verilog_dir, tmp_path):
    sources = [verilog_dir / f"{name}.v" for name in NAMES]
    assert lint_verilog(sources, tmp_path) == ""


@pytest.mark.parametrize("name", NAMES)
def test_verilator_lint_is_clean(name, verilog_dir, tmp_path):
    verilator = require_tool("verilator")
    result = subprocess.run(
        [verilator, "--lint-only", "-Wall", f"{name}.v"], cwd=verilog_dir, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_ports_follow_the_contract(name, verilog_dir):
    """Module name, port names, widths and signedness exactly as DESIGN.md lists them."""
    contract = {
        "mac": [("clk", 1, False), ("rst", 1, False), ("en", 1, False), ("clear", 1, False),
                ("a", 8, True), ("b", 8, True), ("acc", 32, True)],
        "requant": [("acc", 32, True), ("m0", 32, True), ("shift", 5, False), ("y", 8, True)],
        "fxmul": [("a", 16, True), ("b", 16, True), ("p", 16, True)],
    }[name]
    assert [(p.name, p.width, p.signed) for p in exported_ports(name)] == contract
    text = (verilog_dir / f"{name}.v").read_text()
    assert re.search(rf"^module {name} \(", text, re.MULTILINE)
    for port, width, signed in contract:
        rng = f" [{width - 1}:0]" if width > 1 else ""
        direction = "output" if port == {"mac": "acc", "requant": "y", "fxmul": "p"}[name] else "input"
        decl = f"{direction}{' signed' if signed else ''}{rng} {port};"
        assert decl in text, f"missing declaration {decl!r}"


MUTANTS = {
    # (module, what the mutant does, pattern, replacement)
    "fxmul: >>> becomes >>": ("fxmul", r">>>", ">>"),
    "requant: >>> becomes >>": ("requant", r">>>", ">>"),
    "mac: unsigned operands": ("mac", r"input signed \[7:0\]", "input [7:0]"),
    "fxmul: no rounding constant": ("fxmul", r"\+ 128\)", "+ 0)"),
    "fxmul: no saturation": ("fxmul", r"p = 32767;", "p = rounded[15:0];"),
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_icarus_check_catches_mutants(mutant, verilog_dir, tmp_path):
    """Each small, plausible bug compiles but makes the same vector check fail."""
    name, pattern, replacement = MUTANTS[mutant]
    text = (verilog_dir / f"{name}.v").read_text()
    mutated, count = re.subn(pattern, replacement, text)
    assert count > 0, "the mutation did not apply: the exported file changed shape"
    mutant_dir = tmp_path / "mutant"
    mutant_dir.mkdir()
    (mutant_dir / f"{name}.v").write_text(mutated)
    work = tmp_path / "work"
    work.mkdir()
    mismatches, total = _mismatch_count(name, mutant_dir, work)
    assert mismatches > 0, f"the vectors did not notice the mutant {mutant!r}"


def test_seed_snippet_breaks_on_negative_numbers(tmp_path):
    """The seed's Verilog, run as written: unsigned wires and a plain >> 8.

    Its output equals an independent model of unsigned 16x16 -> 32 multiplication and a
    logical shift, which is right for non-negative Q8.8 values and wrong for negative ones.
    """
    require_tool("iverilog")
    (tmp_path / "seed.v").write_text(SEED_MODULE, encoding="utf-8")
    ports = [Port("a", 16, signed=False), Port("b", 16, signed=False),
             Port("final_out", 16, signed=False, direction="out")]
    v = random_vectors("fxmul", 2000, seed=5)
    ua, ub = v["a"] & 0xFFFF, v["b"] & 0xFFFF
    got = run_verilog("seed_q88", ports, {"a": ua, "b": ub}, [tmp_path / "seed.v"], tmp_path)
    assert np.array_equal(got, ((ua * ub) >> 8) & 0xFFFF)
    signed_got = np.where(got >= 2**15, got - 2**16, got)
    both_positive = (v["a"] >= 0) & (v["b"] >= 0) & (v["a"] * v["b"] < 2**23)
    floor = fixed_mul(v["a"], v["b"], rounding="floor")
    assert np.array_equal(signed_got[both_positive], floor[both_positive])
    # -1.0 x 0.5 in Q8.8: the seed computes 127.5 (0x7F80) instead of -0.5.
    one = run_verilog("seed_q88", ports, {"a": [0xFF00], "b": [0x0080]}, [tmp_path / "seed.v"], tmp_path)
    assert one.tolist() == [0x7F80]


def test_signed_floor_variant_equals_fixed_mul_floor_without_saturation(tmp_path):
    require_tool("iverilog")
    (tmp_path / "q88_floor.v").write_text(Q88_FLOOR_MODULE)
    ports = [Port("a", 16), Port("b", 16), Port("p", 16, direction="out")]
    v = random_vectors("fxmul", 2000, seed=6)
    got = run_verilog("q88_floor", ports, {"a": v["a"], "b": v["b"]}, [tmp_path / "q88_floor.v"], tmp_path)
    wrapped = ((v["a"] * v["b"] >> 8) + 2**15) % 2**16 - 2**15  # floor, then keep 16 bits
    assert np.array_equal(got, wrapped)
    fits = (v["a"] * v["b"] >> 8 >= -(2**15)) & (v["a"] * v["b"] >> 8 < 2**15)
    assert np.array_equal(got[fits], fixed_mul(v["a"], v["b"], rounding="floor")[fits])


def test_run_verilog_rejects_values_outside_a_port(verilog_dir, tmp_path):
    with pytest.raises(ValueError, match="outside the port"):
        run_exported("fxmul", {"a": [2**15], "b": [0]}, verilog_dir, tmp_path)
