"""Yosys cell counts behind chapter 7's claims: multipliers are big, shifts are free.

Each design is synthesized with Yosys's generic flow, ``synth -flatten -top NAME``, and
measured with ``stat -json -tech cmos``: the number of generic gate cells (``$_AND_``,
``$_XOR_``, ``$_MUX_``, flip-flops, ...) and Yosys's rough CMOS transistor estimate, which
leaves flip-flops out (then ``transistors_partial`` is true). These are technology-
independent counts, not an FPGA's LUTs or DSP blocks and not a chip's area or speed.

``python -m qdq.hdl.synth`` (``make synth``) regenerates the stored result file that
chapter 7 reads, ``notebooks/data/yosys_stats.json``; the tests re-synthesize the cheap
designs and check that the file is current.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from qdq.hdl.snippets import PROBES

__all__ = ["DESIGNS", "EXPENSIVE", "STATS_FILE", "synthesize", "synthesize_all", "yosys_version"]

# Design name -> where its Verilog comes from: a probe in qdq.hdl.snippets or an exported block.
DESIGNS = {
    "mul8": "probe",
    "mul16": "probe",
    "mul32": "probe",
    "q88_floor": "probe",
    "shr8": "probe",
    "div256": "probe",
    "div32_16": "probe",
    "fxmul": "exported",
    "mac": "exported",
    "requant": "exported",
}
EXPENSIVE = ("div32_16",)  # seconds each; the tests skip it
STATS_FILE = Path("notebooks") / "data" / "yosys_stats.json"
SCRIPT = "read_verilog -sv {file}; synth -flatten -top {top}; tee -q -o stat.json stat -json -tech cmos"
TIMEOUT = 900


def _yosys() -> str:
    path = shutil.which("yosys")
    if path is None:
        raise FileNotFoundError("yosys is not installed (Debian: apt-get install yosys)")
    return path


def yosys_version() -> str:
    """The first line of ``yosys -V``, for example ``Yosys 0.23 (git sha1 7ce5011c24b)``."""
    result = subprocess.run([_yosys(), "-V"], capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.strip().splitlines()[0]


def _source(name: str, workdir: Path) -> Path:
    path = workdir / f"{name}.v"
    if DESIGNS.get(name, "probe") == "probe":
        path.write_text(PROBES[name], encoding="utf-8")
    else:
        from qdq.hdl.export import export_hdl

        export_hdl(workdir / "exported", "verilog")
        path = workdir / "exported" / f"{name}.v"
    return path


def synthesize(name: str) -> dict:
    """Synthesize one design with Yosys and return its statistics.

    ``name`` is a key of :data:`DESIGNS` or of :data:`qdq.hdl.snippets.PROBES` (add your own
    one-module Verilog there to measure it).

    Returns
    -------
    stats : dict
        ``cells`` (total generic cells), ``flip_flops``, ``transistors`` (Yosys's estimate),
        ``transistors_partial`` (True when flip-flops are not in that estimate) and
        ``cells_by_type`` (sorted by cell name).
    """
    if name not in DESIGNS and name not in PROBES:
        raise ValueError(f"name must be one of {list(DESIGNS)} or a key of PROBES, got {name!r}")
    with tempfile.TemporaryDirectory(prefix="qdq-yosys-") as tmp:
        workdir = Path(tmp)
        source = _source(name, workdir)
        script = SCRIPT.format(file=source.name if source.parent == workdir else source, top=name)
        result = subprocess.run(
            [_yosys(), "-q", "-p", script], cwd=workdir, capture_output=True, text=True, timeout=TIMEOUT
        )
        if result.returncode != 0:
            raise RuntimeError(f"yosys failed on {name}:\n{result.stdout}{result.stderr}")
        stat = json.loads((workdir / "stat.json").read_text(encoding="utf-8"))
    design = stat["design"]
    by_type = {k: int(v) for k, v in sorted(design["num_cells_by_type"].items())}
    estimate = str(design.get("estimated_num_transistors", "0"))
    match = re.fullmatch(r"(\d+)(\+?)", estimate)
    if match is None:
        raise RuntimeError(f"unexpected transistor estimate {estimate!r} from yosys")
    return {
        "cells": int(design["num_cells"]),
        "flip_flops": sum(v for k, v in by_type.items() if "FF" in k),
        "transistors": int(match.group(1)),
        "transistors_partial": bool(match.group(2)),
        "cells_by_type": by_type,
    }


def synthesize_all(names=None) -> dict:
    """Statistics of every design (or of ``names``), with the Yosys version and script used."""
    names = list(DESIGNS) if names is None else list(names)
    return {
        "yosys": yosys_version(),
        "script": SCRIPT.format(file="NAME.v", top="NAME"),
        "designs": {name: synthesize(name) for name in names},
    }


def main(argv=None) -> int:
    """Regenerate the stored statistics file (``make synth``)."""
    parser = argparse.ArgumentParser(prog="python -m qdq.hdl.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(STATS_FILE), help=f"JSON file to write (default: {STATS_FILE})")
    args = parser.parse_args(argv)
    stats = synthesize_all()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, s in stats["designs"].items():
        print(f"{name:10s} {s['cells']:6d} cells  {s['flip_flops']:3d} flip-flops")
    print(f"wrote {out} ({stats['yosys']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
