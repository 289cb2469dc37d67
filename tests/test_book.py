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


def _outputs(notebook: str) -> str:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")))
            texts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


SEED_NUMBERS = {
    # chapter: patterns that the seed's own examples must produce in a cell output
    "01_quantization.ipynb": [r"\[\s*13\s+-82\s+147\]", r"\[\s*13\s+-82\s+127\]"],
    "02_formulas.ipynb": [r"1\.47", r"86\.39"],  # alpha and s = 127/alpha
    "03_why_dequantize.ipynb": [r"\b16129\b", r"\b133144\b"],
    "04_pipeline_example.ipynb": [r"\b50\b", r"-80\b", r"-4000\b", r"-0\.4\b"],
    "05_summary.ipynb": [r"86\.39", r"\[\s*11\s+-71\s+127\]"],  # s and x_q of the seed's x
    "06_fixed_point.ipynb": [r"-26240\b", r"-103\b", r"-102\b", r"0\.00390625"],
}


def test_seed_numbers_appear_in_their_chapters_outputs():
    for notebook, patterns in SEED_NUMBERS.items():
        text = _outputs(notebook)
        for pattern in patterns:
            assert re.search(pattern, text), f"{notebook}: no cell output matches {pattern!r}"
