"""The HTML book: builds without a warning, opens on the intro, lists the chapters in toc order."""

from __future__ import annotations

import json
import posixpath
import re

from conftest import ROOT, toc_files


def test_book_builds_and_opens_on_the_intro(built_book):
    index = (built_book / "index.html").read_text(encoding="utf-8")
    # Jupyter Book's index.html redirects to the root page of the toc.
    assert f'url={toc_files()[0]}.html' in index.replace("./", "")
    intro = (built_book / f"{toc_files()[0]}.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in intro
    assert "양자화" in intro


def test_sidebar_lists_every_toc_page_in_order(built_book):
    root = toc_files()[0]
    intro = (built_book / f"{root}.html").read_text(encoding="utf-8")
    nav = intro[intro.index("bd-docs-nav"):]
    nav = nav[: nav.index("</nav>")]
    base = posixpath.dirname(root)
    linked = [
        posixpath.normpath(posixpath.join(base, href)).removesuffix(".html")
        for href in re.findall(r'href="([^"#]+\.html)"', nav)
    ]
    assert linked == toc_files()[1:], "the sidebar must list the toc pages, in order"


def test_ui_strings_are_korean(built_book):
    page = (built_book / f"{toc_files()[1]}.html").read_text(encoding="utf-8")
    assert "검색" in page  # "Search"
    assert "다음" in page  # "Next"


def test_every_toc_page_has_a_built_html_page(built_book):
    for page in toc_files():
        assert (built_book / f"{page}.html").is_file(), page


def test_every_chapter_notebook_is_committed_executed():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert code, f"{path.name} has no code"
        assert all(c["execution_count"] is not None for c in code), f"{path.name} has unexecuted cells"
        assert not any(o["output_type"] == "error" for c in code for o in c["outputs"]), path.name
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name


def test_every_chapter_has_exercises_and_a_solution_that_runs_code():
    """Each notebook in the toc ends with exercises; at least one hidden solution holds code cells."""
    for page in toc_files():
        path = ROOT / f"{page}.ipynb"
        if not path.exists():
            continue  # prose-only page
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = ["".join(c["source"]) for c in cells]
        assert any("```{exercise}" in t for t in text), f"{page} has no exercise directive"
        inside, code_in_solution = False, 0
        for cell, source in zip(cells, text, strict=True):
            if "{solution-start}" in source:
                inside = True
            elif "{solution-end}" in source:
                inside = False
            elif inside and cell["cell_type"] == "code":
                code_in_solution += 1
        assert code_in_solution, f"{page}: no solution runs code"
