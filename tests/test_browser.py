"""Every page of the built book, as a reader sees it: headless Chromium driven by Playwright.

The book is served over http://127.0.0.1 (not file://). The network is closed here, so the one CDN
file the pages ask for, MathJax, is answered from a local copy of the same npm release
(`make test` installs it into .cache/npm); every other request that leaves 127.0.0.1 is aborted
and reported. A full-page screenshot of each page is saved under _build/screenshots/ for a person
to look at.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, require_tool, toc_files

SCREENSHOTS = ROOT / "_build" / "screenshots"
MATHJAX_DIR = ROOT / ".cache" / "npm" / "node_modules" / "mathjax"
# Flags for Debian's Chromium on a closed network (see the machine notes): no background traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# TeX that MathJax should have replaced: a dollar, \( \) \[ \], or any control word like \frac.
RAW_TEX = re.compile(r"\$|\\[()\[\]]|\\[A-Za-z]+")


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI is set: refusing to skip", pytrace=False)
    pytest.skip(reason)


def mathjax_cdn_prefix() -> str:
    """The CDN folder the book loads MathJax from (``sphinx.config.mathjax_path`` in _config.yml)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["sphinx"]["config"]["mathjax_path"]
    return url.rsplit("/es5/", 1)[0] + "/"


@pytest.fixture(scope="session")
def mathjax_root() -> Path:
    """The local npm copy of exactly the MathJax release the book's CDN URL names."""
    package = MATHJAX_DIR / "package.json"
    if not package.is_file():
        _missing(f"no local MathJax in {MATHJAX_DIR.relative_to(ROOT)} (`make test` installs it with npm)")
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    prefix = mathjax_cdn_prefix()
    assert prefix.endswith(f"/mathjax@{version}/"), (
        f"_config.yml loads {prefix} but the local copy is mathjax@{version}: pin the same release"
    )
    return MATHJAX_DIR


@pytest.fixture(scope="session")
def server(built_book):
    """Serve the built HTML on 127.0.0.1 at an ephemeral port; yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

    handler = functools.partial(Quiet, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    chromium = require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page load with everything the page did recorded."""

    def __init__(self, browser, server: str, mathjax_root: Path, page_path: str):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_local: list[str] = []
        self.external: list[str] = []
        self.missing_mathjax: list[str] = []
        self.context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        self.context.route("**/*", functools.partial(self._route, mathjax_root, mathjax_cdn_prefix()))
        self.page = page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.goto(server + page_path + ".html", wait_until="load")
        page.wait_for_load_state("networkidle")

    def _route(self, mathjax_root: Path, cdn: str, route):
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        elif url.startswith(cdn):
            local = mathjax_root / urlsplit(url[len(cdn):]).path
            if local.is_file():
                route.fulfill(path=str(local))
            else:
                self.missing_mathjax.append(url)
                route.fulfill(status=404, body="not in the local MathJax copy")
        else:
            self.external.append(url)
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            where = msg.location.get("url", "")
            self.console_errors.append(f"{msg.text} ({where})")

    def _request_failed(self, request):
        if urlsplit(request.url).hostname == "127.0.0.1":
            self.failed_local.append(f"{request.url}: {request.failure}")

    def _response(self, response):
        if urlsplit(response.url).hostname == "127.0.0.1" and response.status >= 400:
            self.failed_local.append(f"{response.url}: HTTP {response.status}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server, mathjax_root):
    opened: list[Visit] = []

    def open_page(page_path: str) -> Visit:
        v = Visit(browser, server, mathjax_root, page_path)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()


# Wait for MathJax (when the page loads it) and every image, then report what a reader would see.
INSPECT = """
async () => {
  const chromeStrings = CHROME_FN;
  if (document.querySelector('script[src*="mathjax"]')) {
    const t0 = Date.now();
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
      if (Date.now() - t0 > 20000) return {mathjax: 'MathJax did not start within 20 s'};
      await new Promise(r => setTimeout(r, 50));
    }
    await MathJax.startup.promise;
  }
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener('load', r); img.addEventListener('error', r);
  })));
  const skip = 'pre, code, script, style, noscript, template, mjx-container, textarea, kbd, samp';
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) raw.push(n.textContent);
  }
  const math = Array.from(document.querySelectorAll('span.math, div.math'));
  return {
    mathjax: null,
    lang: document.documentElement.lang,
    title: document.title,
    h1: Array.from(document.querySelectorAll('article h1')).map(h => h.textContent.trim()),
    h2: Array.from(document.querySelectorAll('article h2')).map(h => h.textContent.trim()),
    unrendered: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    texErrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent.slice(0, 80)),
    text: raw.join(' '),
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    chrome: chromeStrings(),
  };
}
"""

# The page's own interface, not its content: labels, tooltips and texts outside the article and
# the two tables of contents (whose entries are headings, checked above), plus the buttons and
# "#" links the tools add inside the article.
CHROME = """
() => {
  const content = ['article', 'nav.bd-docs-nav a', '#pst-page-toc-nav', '#jb-print-docs-body',
                   'script', 'style', 'noscript', 'template'].join(', ');
  const tools = 'article a.headerlink, article button';
  const out = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const isTool = el.matches(tools);
    if (el.closest(content) && !isTool) continue;
    for (const attr of ['title', 'aria-label', 'alt', 'placeholder', 'data-tooltip']) {
      const v = el.getAttribute(attr);
      if (v && v.trim()) out.add(v.trim());
    }
    if (isTool) continue;
    for (const n of el.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && n.textContent.trim()) out.add(n.textContent.trim());
    }
  }
  return Array.from(out);
}
"""
# English a Korean reader may still meet, by design: brand names, file types, a key cap.
UI_ALLOWED = {"Binder", "Colab", ".ipynb", ".md", ".pdf", "Ctrl", "K", "qdq"}


def fonts_used(page, selector: str) -> set[str]:
    """Font families Chromium actually used to draw the text of ``selector`` (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {f["familyName"] for f in fonts}


@functools.cache
def korean_system_fonts() -> frozenset[str]:
    """Installed font families that cover Korean, per fontconfig (``fc-list :lang=ko``)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


@pytest.mark.parametrize("page_path", toc_files())
def test_page_in_chromium(visit, page_path):
    v = visit(page_path)
    result = v.page.evaluate(INSPECT.replace("CHROME_FN", CHROME.strip()))
    shot = SCREENSHOTS / f"{page_path}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(shot), full_page=True)

    problems = []
    if result["mathjax"]:
        problems.append(result["mathjax"])
    else:
        problems += [f"JavaScript console error: {e}" for e in v.console_errors]
        problems += [f"uncaught page error: {e}" for e in v.page_errors]
        problems += [f"local request failed: {e}" for e in v.failed_local]
        problems += [f"request outside 127.0.0.1 (blocked): {u}" for u in v.external]
        problems += [f"MathJax file missing from the local copy: {u}" for u in v.missing_mathjax]
        problems += [f"formula not rendered by MathJax: {m!r}" for m in result["unrendered"]]
        problems += [f"MathJax TeX error: {m!r}" for m in result["texErrors"]]
        problems += [f"image did not load: {src}" for src in result["brokenImages"]]
        for match in RAW_TEX.finditer(result["text"]):
            context = result["text"][max(0, match.start() - 40): match.end() + 40]
            problems.append(f"raw TeX {match.group()!r} in the visible text: ...{context}...")
        if result["lang"] != "ko":
            problems.append(f'<html lang="{result["lang"]}">, expected "ko"')
        if not HANGUL.search(result["title"]):
            problems.append(f"<title> has no Korean: {result['title']!r}")
        if len(result["h1"]) != 1:
            problems.append(f"expected exactly one h1, found {result['h1']}")
        problems += [f"heading without Korean: {h!r}" for h in result["h1"] + result["h2"]
                     if not HANGUL.search(h)]
        problems += [f"English interface string: {t!r}" for t in result["chrome"]
                     if re.search("[A-Za-z]{2}", t) and not HANGUL.search(t) and t not in UI_ALLOWED]
    assert not problems, f"{page_path} (screenshot: {shot.relative_to(ROOT)}):\n" + "\n".join(problems)

    # Korean must be drawn with a font that has Hangul, not as empty boxes.
    korean = korean_system_fonts()
    if not korean:
        _missing("no Korean font known to fontconfig (apt-get install fontconfig fonts-nanum)")
    used = fonts_used(v.page, "article h1")
    assert used & korean, f"{page_path}: the h1 is drawn with {sorted(used)}, none of which covers Korean"

    # Every exercise solution starts hidden and opens with a click (sphinx-togglebutton).
    for i in range(v.page.locator(".solution.dropdown").count()):
        check_solution_toggle(v.page, i, page_path)


def check_solution_toggle(page, index: int, page_path: str) -> None:
    from playwright.sync_api import expect

    solution = page.locator(".solution.dropdown").nth(index)
    body = solution.locator("section").first
    expect(body, f"{page_path}: solution {index + 1} is visible before any click").to_be_hidden()
    solution.locator("button.toggle-button").click()
    expect(body, f"{page_path}: solution {index + 1} did not open on click").to_be_visible()


def test_verify_page_shows_a_solution_only_after_a_click(visit):
    """book/verify.md carries the book's example exercise; its solution is the toggle's proof."""
    v = visit("book/verify")
    assert v.page.locator(".exercise").count() >= 1
    assert v.page.locator(".solution.dropdown").count() >= 1
    solution = v.page.locator(".solution.dropdown").first
    assert not solution.locator("pre").first.is_visible()  # the solution's code is hidden too
    check_solution_toggle(v.page, 0, "book/verify")
    assert solution.locator("pre").first.is_visible()
