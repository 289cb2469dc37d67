"""The exported VHDL, simulated in GHDL, against the NumPy golden model.

MyHDL's VHDL is a separate translation with its own pitfalls (myhdl issue 367: a literal
shifted by a variable; arithmetic at the width of the widest operand), so it gets the same
vectors as the Verilog and a mutation test of its own.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import export_for_simulator

pytest.importorskip("myhdl")

from qdq.hdl.ghdl import run_exported_vhdl  # noqa: E402
from qdq.hdl.vectors import TEST_VECTORS, full_vectors, golden  # noqa: E402

NAMES = ["mac", "requant", "fxmul"]


@pytest.fixture(scope="module")
def vhdl_dir(tmp_path_factory):
    return export_for_simulator(tmp_path_factory, "vhdl", "ghdl")


def _vectors(name):
    return full_vectors(name, TEST_VECTORS, seed=77)


@pytest.mark.parametrize("name", NAMES)
def test_exported_vhdl_matches_golden_model_in_ghdl(name, vhdl_dir, tmp_path):
    v = _vectors(name)
    got = run_exported_vhdl(name, v, vhdl_dir, tmp_path)
    want = golden(name, v)
    assert want.size >= TEST_VECTORS
    mismatches = int(np.count_nonzero(got != want))
    assert mismatches == 0, f"{mismatches} of {want.size} vectors differ"


VHDL_MUTANTS = {
    "fxmul: no rounding constant": ("fxmul", "(product + 128)", "(product + 0)"),
    "requant: logical shift": (
        "requant", "shift_right(high, to_integer(shift))",
        "signed(shift_right(unsigned(high), to_integer(shift)))",
    ),
    "mac: product cut to 8 bits": ("mac", "(total + (a * b))", "(total + resize(a * b, 8))"),
}


@pytest.mark.parametrize("mutant", list(VHDL_MUTANTS))
def test_ghdl_check_catches_mutants(mutant, vhdl_dir, tmp_path):
    name, old, new = VHDL_MUTANTS[mutant]
    text = (vhdl_dir / f"{name}.vhd").read_text()
    assert old in text, "the mutation did not apply: the exported file changed shape"
    mutant_dir = tmp_path / "mutant"
    mutant_dir.mkdir()
    (mutant_dir / f"{name}.vhd").write_text(text.replace(old, new))
    for package in vhdl_dir.glob("pck_myhdl_*.vhd"):
        (mutant_dir / package.name).write_text(package.read_text())
    work = tmp_path / "work"
    work.mkdir()
    v = _vectors(name)
    got = run_exported_vhdl(name, v, mutant_dir, work)
    assert np.count_nonzero(got != golden(name, v)) > 0, f"the vectors did not notice the mutant {mutant!r}"
