"""Shared test helpers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


def require_tool(name: str) -> str:
    """Return the path of system tool ``name``; skip the test if it is missing.

    Under CI (the ``CI`` environment variable set) a missing tool is a failure instead,
    so CI can never pass by skipping.
    """
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install {name}); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI is set: refusing to skip", pytrace=False)
        pytest.skip(reason)
    return path


ROOT = Path(__file__).resolve().parent.parent


def toc_files() -> list[str]:
    """Every page in ``_toc.yml``, root first, in reading order (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return files


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the book once per session, as `make book` does (-W -n --keep-going), into a temp dir.

    Returns the ``html`` directory. The build log is attached to the failure message.
    """
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0 or "WARNING" in log:
        pytest.fail(f"jupyter-book build failed or warned:\n{log[-6000:]}", pytrace=False)
    return out / "_build" / "html"


def export_for_simulator(tmp_path_factory, hdl: str, simulator: str) -> Path:
    """Export the three hardware modules once as ``hdl`` for tests that run ``simulator``."""
    require_tool(simulator)
    from qdq.hdl import export_hdl  # needs MyHDL; imported only by the hardware tests

    out = tmp_path_factory.mktemp(hdl)
    export_hdl(out, hdl)
    return out
