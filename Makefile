# Two commands set everything up on a fresh machine with Python 3.11-3.13 and make:
#   make book   -> .venv + the HTML book in _build/html
#   make test   -> .venv + every test (library, doctests, notebooks, hardware, book build)

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
# Silence debugpy's frozen-modules warning in kernels started by nbval.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help venv book test test-fast lint nbval execute clean hdl synth bench

help:
	@echo "make book       build the HTML book into _build/html (creates .venv first)"
	@echo "make test       run every test: lint, library, doctests, notebooks (nbval), book build"
	@echo "make test-fast  library tests and doctests only"
	@echo "make nbval      check the stored notebook outputs against a fresh run"
	@echo "make execute    re-execute every notebook in place (after editing one)"
	@echo "make clean      remove _build and caches (keeps .venv)"
	@echo "make hdl        export the MAC hardware as Verilog and VHDL into hdl_out/"
	@echo "make synth      re-synthesize the hardware chapter's designs with yosys (notebooks/data/yosys_stats.json)"
	@echo "make bench      run the benchmarks (benchmarks/results.json, .md; ~2 min) and re-execute appendix B"

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v < (3, 14) else "qdq needs Python 3.11-3.13 (MyHDL breaks on 3.14); found %d.%d" % v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The MathJax release the book's pages load from the CDN (mathjax_path in _config.yml), kept
# locally so that tests/test_browser.py can answer the pages' CDN requests offline.
MATHJAX := .cache/npm/node_modules/mathjax/es5/tex-mml-chtml.js
$(MATHJAX):
	@command -v npm >/dev/null || { echo "npm not found: the browser tests will skip (fail under CI)"; exit 0; }; \
	npm install --prefix .cache/npm --no-save --no-package-lock --no-audit --no-fund mathjax@3.2.2

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test-fast: $(STAMP)
	$(BIN)/pytest src tests -m "not slow"

nbval: $(STAMP)
	$(BIN)/pytest --nbval notebooks

test: $(STAMP) lint $(MATHJAX)
	$(BIN)/pytest --nbval src tests notebooks

execute: $(STAMP)
	$(BIN)/python tests/execute_notebooks.py notebooks/*.ipynb

clean:
	rm -rf _build .pytest_cache .hypothesis .ruff_cache

hdl: $(STAMP)
	$(BIN)/qdq export-hdl --out hdl_out --hdl both

synth: $(STAMP)
	$(BIN)/python -m qdq.hdl.synth

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python tests/execute_notebooks.py notebooks/a2_performance.ipynb
