"""`qdq export-hdl`: reproducible files, the console script, clear errors, VHDL that GHDL accepts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool

pytest.importorskip("myhdl")

from qdq.cli import main  # noqa: E402
from qdq.hdl import export_hdl, normalize_hdl  # noqa: E402

VERILOG = ["mac.v", "requant.v", "fxmul.v"]
VHDL = ["mac.vhd", "requant.vhd", "fxmul.vhd", "pck_myhdl_011.vhd"]


def _cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "qdq", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def _read_all(directory: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_export_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    """MyHDL orders sensitivity lists by set iteration, which follows PYTHONHASHSEED."""
    results = []
    for seed in ("0", "1", "12345"):
        out = tmp_path / f"seed{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = _cli("export-hdl", "--out", str(out), "--hdl", "both", env=env)
        assert result.returncode == 0, result.stderr
        results.append(_read_all(out))
    assert sorted(results[0]) == sorted(VERILOG + VHDL)
    assert results[0] == results[1] == results[2]


def test_files_carry_no_date_path_or_host(tmp_path):
    out = tmp_path / "where-am-i"
    export_hdl(out, "both")
    for name, data in _read_all(out).items():
        text = data.decode("utf-8")
        assert "where-am-i" not in text and str(tmp_path) not in text, name
        assert "Date" not in text and "UTC" not in text, name
        assert not text.endswith("\n\n") and text.endswith("\n"), name


def test_hdl_choice_selects_the_languages(tmp_path):
    assert [p.name for p in export_hdl(tmp_path / "v", "verilog")] == VERILOG
    assert [p.name for p in export_hdl(tmp_path / "h", "VHDL")] == VHDL
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == sorted(VHDL)


def test_console_script_is_installed(tmp_path):
    script = Path(sys.executable).with_name("qdq")
    assert script.exists(), "run `pip install -e .` to register the qdq console script"
    result = subprocess.run([str(script), "export-hdl", "--out", str(tmp_path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(VERILOG)


def test_bad_hdl_is_a_clear_error(tmp_path):
    result = _cli("export-hdl", "--out", str(tmp_path), "--hdl", "systemc")
    assert result.returncode == 2
    assert "--hdl: invalid choice: 'systemc'" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("inside_a_file", [False, True])
def test_unwritable_out_is_a_clear_error(tmp_path, inside_a_file):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file\n")
    out = blocker / "sub" if inside_a_file else blocker
    result = _cli("export-hdl", "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.startswith(f"qdq export-hdl: cannot write to --out {str(out)!r}")
    assert blocker.read_text() == "a file\n"


def test_export_hdl_function_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="hdl must be one of"):
        export_hdl(tmp_path, "verilog2")
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        export_hdl(tmp_path / "f")


def test_main_without_a_command_prints_help(capsys):
    assert main([]) == 2
    assert "export-hdl" in capsys.readouterr().err


def test_normalize_sorts_only_plain_sensitivity_lists():
    text = "always @(posedge clk) begin: seq\nalways @(y, b, a) begin: comb\nx: process (q, p) is\n"
    assert normalize_hdl(text) == (
        "always @(posedge clk) begin: seq\nalways @(a, b, y) begin: comb\nx: process (p, q) is\n"
    )


def test_vhdl_analyzes_in_ghdl(tmp_path):
    """The VHDL output (with MyHDL's support package) compiles in GHDL, VHDL-93 and VHDL-2008."""
    ghdl = require_tool("ghdl")
    export_hdl(tmp_path, "vhdl")
    for std in ("93c", "08"):
        work = tmp_path / f"work{std}"
        work.mkdir()
        result = subprocess.run(
            [ghdl, "-a", f"--std={std}", f"--workdir={work}", *VHDL[-1:], *VHDL[:-1]],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
