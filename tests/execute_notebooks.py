"""Re-execute notebooks in place, top to bottom, the way nbval will re-run them.

Usage: python tests/execute_notebooks.py notebooks/01_quantization.ipynb [...]

Timing metadata is not recorded, so a re-run changes only what the code prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"executing {name}", flush=True)
        execute(Path(name))
