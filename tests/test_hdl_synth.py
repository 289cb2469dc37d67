"""The stored Yosys numbers that chapter 7 shows are current: re-synthesize and compare."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, require_tool

pytest.importorskip("myhdl")

from qdq.hdl.synth import DESIGNS, EXPENSIVE, STATS_FILE, synthesize, yosys_version  # noqa: E402

STORED = ROOT / STATS_FILE


@pytest.fixture(scope="module")
def stored():
    assert STORED.is_file(), f"{STATS_FILE} is missing: run `make synth`"
    return json.loads(STORED.read_text(encoding="utf-8"))


def test_stored_file_lists_every_design(stored):
    assert list(stored["designs"]) == list(DESIGNS)
    for name, stats in stored["designs"].items():
        assert stats["cells"] == sum(stats["cells_by_type"].values()), name


def test_shift_is_free_and_multipliers_are_not(stored):
    """The claims chapter 7 makes, read from the stored numbers."""
    d = stored["designs"]
    assert d["shr8"]["cells"] == 0
    assert d["mul8"]["cells"] < d["mul16"]["cells"] < d["div32_16"]["cells"]
    assert d["mul16"]["cells"] < d["mul32"]["cells"] < d["requant"]["cells"]
    assert d["div256"]["cells"] < d["mul8"]["cells"]
    assert d["mac"]["flip_flops"] == 32


@pytest.mark.parametrize("name", [n for n in DESIGNS if n not in EXPENSIVE])
def test_stored_numbers_are_current(name, stored):
    require_tool("yosys")
    version = yosys_version()
    assert version == stored["yosys"], (
        f"stored numbers come from {stored['yosys']}, this machine has {version}: run `make synth`"
    )
    assert synthesize(name) == stored["designs"][name], f"{STATS_FILE} is stale for {name}: run `make synth`"
