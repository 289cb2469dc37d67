"""What a reader relies on besides the pages' text: launch buttons, Binder's environment, the logo,
the glossary and the exercise pages. (The pages as a browser shows them: test_browser.py.)"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv

import numpy as np
import pytest
import yaml
from matplotlib.image import imread

from conftest import ROOT, toc_files

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
BINDER_CHAPTER = "notebooks/05_summary.ipynb"  # the recap that runs every formula once


def notebook_pages() -> list[str]:
    return [page for page in toc_files() if (ROOT / f"{page}.ipynb").is_file()]


# --- launch and repository buttons ------------------------------------------------------------

def test_launch_buttons_are_built_from_the_one_repository_url(built_book):
    repo = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"]["branch"]
    owner_name = repo.removeprefix("https://github.com/")
    assert CONFIG["launch_buttons"]["thebe"] is False, "live code runs on Binder/Colab, not Thebe"
    pages = notebook_pages()
    assert pages, "no chapter notebook in the toc"
    for page in pages:
        html = (built_book / f"{page}.html").read_text(encoding="utf-8")
        binder = f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/{page}.ipynb"
        colab = f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{page}.ipynb"
        assert f'href="{binder}"' in html, f"{page}: no Binder button for {binder}"
        assert f'href="{colab}"' in html, f"{page}: no Colab button for {colab}"
        assert f'href="{repo}"' in html, f"{page}: no repository button"
        assert "thebe" not in html.lower(), f"{page}: Thebe is still wired into the page"
    # Prose pages get the repository button but nothing to launch.
    intro = (built_book / f"{toc_files()[0]}.html").read_text(encoding="utf-8")
    assert f'href="{repo}"' in intro and "mybinder.org/v2/" not in intro


def test_favicon_and_logo_are_in_the_built_book(built_book):
    page = (built_book / f"{toc_files()[0]}.html").read_text(encoding="utf-8")
    icon = re.search(r'<link rel="icon" href="\.\./([^"]+)"', page)
    assert icon and (built_book / icon.group(1)).is_file()
    logo = re.search(r'<img src="\.\./(_static/logo\.png)"', page)
    assert logo and (built_book / logo.group(1)).is_file()


def test_logo_is_what_the_script_draws(tmp_path):
    """The committed PNGs are the output of book/_static/make_logo.py, not an image from elsewhere."""
    subprocess.run([sys.executable, str(ROOT / "book/_static/make_logo.py"), str(tmp_path)], check=True)
    for name in ("logo.png", "favicon.png"):
        committed, drawn = imread(ROOT / "book/_static" / name), imread(tmp_path / name)
        assert committed.shape == drawn.shape, name
        assert np.abs(committed - drawn).max() <= 2 / 255, f"{name} differs from what make_logo.py draws"


# --- glossary and exercises -------------------------------------------------------------------

GLOSSARY_TERMS = [
    "양자화 (quantization)", "역양자화 (dequantization)", "스케일 팩터 (scale factor)",
    "알파 (alpha)", "클리핑 임계값 (clipping threshold)", "반올림 (rounding)",
    "짝수 쪽 반올림 (round half to even)", "포화 (saturation)", "클리핑 (clipping)",
    "누산기 (accumulator)", "오버플로 (overflow)", "고정 소수점 (fixed point)", "Q 형식 (Q format)",
    "산술 시프트 (arithmetic shift)", "재양자화 (requantization)", "영점 (zero point)",
    "채널별 양자화 (per-channel quantization)", "텐서별 양자화 (per-tensor quantization)",
    "보정 (calibration)", "MAC (multiply-accumulate, 곱셈-누산)", "INT8 (8-bit integer, 8비트 정수)",
    "FP32 (32-bit floating point, 32비트 부동소수점)", "LSB (least significant bit, 최하위 비트)",
]


def test_glossary_defines_every_term_chapters_may_link(built_book):
    html = (built_book / "book/glossary.html").read_text(encoding="utf-8")
    defined = re.findall(r'<dt id="term-[^"]*">(.*?)<a class="headerlink"', html)
    assert sorted(defined) == sorted(GLOSSARY_TERMS)
    # the English -> Korean table links each definition on the page exactly once
    table = html[html.index("<h2>English → 한국어"):]
    targets = re.findall(r'href="#(term-[^"]+)"', table)
    ids = re.findall(r'<dt id="(term-[^"]+)">', html)
    assert sorted(targets) == sorted(ids)


def test_exercise_solutions_are_dropdowns(built_book):
    """Every solution in the book is a hidden dropdown (sphinx-togglebutton) that follows its exercise."""
    found = 0
    for page in toc_files():
        html = (built_book / f"{page}.html").read_text(encoding="utf-8")
        for classes in re.findall(r'<div class="(solution[^"]*)"', html):
            found += 1
            assert "dropdown" in classes.split(), f"{page}: a solution is not hidden ({classes})"
    assert found, "no solution anywhere in the book"


# --- Binder --------------------------------------------------------------------------------------

def test_binder_files_pin_the_environment():
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines[-1] == "-e .", "requirements.txt must end with `-e .` (Binder, nbval and the book share qdq)"
    unpinned = [ln for ln in lines[:-1] if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", ln)]
    assert not unpinned, f"not pinned exactly: {unpinned}"
    runtime = (ROOT / "runtime.txt").read_text().strip()
    major, minor = map(int, re.fullmatch(r"python-(\d+)\.(\d+)", runtime).groups())
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = re.fullmatch(r">=(\d+\.\d+),<(\d+\.\d+)", requires).groups()
    assert tuple(map(int, low.split("."))) <= (major, minor) < tuple(map(int, high.split(".")))
    assert "iverilog" in (ROOT / "apt.txt").read_text().split()


def notebook_imports() -> set[str]:
    """Top-level modules imported by any chapter's code cells."""
    modules = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.slow
def test_binder_environment_runs_a_chapter(tmp_path):
    """Install requirements.txt, as Binder does, into a fresh venv; every chapter's imports resolve
    there and one chapter passes nbval with nothing else installed. (The venv uses the Python that
    runs the tests; test_binder_files_pin_the_environment checks runtime.txt's version is supported.)"""
    env = tmp_path / "binder"
    try:
        check_binder_environment(env, tmp_path)
    finally:
        shutil.rmtree(env, ignore_errors=True)  # ~0.7 GB; pytest would keep it in its temp dirs


def check_binder_environment(env, workdir) -> None:
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
                         cwd=ROOT, capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]

    modules = sorted(notebook_imports())
    check = subprocess.run([str(python), "-c", f"import {', '.join(modules)}"],
                           cwd=workdir, capture_output=True, text=True)
    assert check.returncode == 0, f"a chapter imports a module Binder would not install:\n{check.stderr}"

    # The kernel nbval starts must be this venv's Python too: put its bin/ first on PATH.
    path = f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    run = subprocess.run(
        [str(python), "-m", "pytest", "--nbval", BINDER_CHAPTER, "-p", "no:cacheprovider", "-q"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PATH": path},
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", run.stdout) and "skipped" not in run.stdout
