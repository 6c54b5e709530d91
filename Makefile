# The book's two commands are `make book` and `make test`; both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD  := $(BIN)/jupyter-book build . -W -n --keep-going

# Tests and CI read the airfoil data from ../shared/data when it is there;
# elsewhere d2lmini downloads it once into the user's cache (see README).
SHARED_DATA := $(abspath ../shared/data)
ifeq ($(origin D2LMINI_DATA_DIR),undefined)
ifneq ($(wildcard $(SHARED_DATA)/airfoil_self_noise.dat),)
export D2LMINI_DATA_DIR := $(SHARED_DATA)
endif
else ifneq ($(D2LMINI_DATA_DIR),)
# The notebooks run in chapters/, so a relative path given here is made absolute.
export D2LMINI_DATA_DIR := $(abspath $(D2LMINI_DATA_DIR))
endif

# Bit-for-bit outputs on every x86-64 machine. numpy's AVX-512 loops (exp, log)
# and OpenBLAS's AVX-512 kernels round differently from the AVX2 ones, and a
# chaotic training run (exercise 6's large learning rates) turns one last bit
# into another printed number. The tests, and the runs that store the outputs,
# use the AVX2 code paths on every machine. So does PyTorch's MKL (the
# PyTorch chapter's losses differ in their last bits between its AVX2 and
# AVX-512 paths; MKL_CBWR is MKL's switch for reproducible results).
ifeq ($(shell uname -m),x86_64)
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export OPENBLAS_CORETYPE ?= Haswell
export MKL_CBWR ?= AVX2
endif

.PHONY: venv check-node book test unit nbval build-strict browser browser-tests site-checks notebooks check-notebooks format lab clean \
        bundle pdf site-tests bundle-test audit

# KaTeX renders the book's math when it is built (_ext/katex_math.py). It comes
# from package-lock.json (exact versions), installed by `npm ci` into
# node_modules/ (git-ignored), which needs Node.js >= 18 and npm.
NODE ?= node
NODE_STAMP := node_modules/.installed
NEED_NODE := The book needs Node.js >= 18 and npm to render its math when it is built

check-node:
	@command -v $(NODE) >/dev/null 2>&1 || { echo "$(NEED_NODE); '$(NODE)' was not found (install Node.js 18 or newer, e.g. apt-get install nodejs npm)" >&2; exit 1; }
	@$(NODE) -e 'if (Number(process.versions.node.split(".")[0]) < 18) { console.error("$(NEED_NODE); $(NODE) is " + process.version); process.exit(1); }'
	@command -v npm >/dev/null 2>&1 || { echo "$(NEED_NODE); npm was not found (e.g. apt-get install npm)" >&2; exit 1; }

$(NODE_STAMP): package.json package-lock.json | check-node
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "the book needs Python >= 3.11; $(PYTHON) is " + sys.version.split()[0] + " (run: make PYTHON=python3.11 ...)")'
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(STAMP)

book: check-node $(STAMP) $(NODE_STAMP)
	$(BUILD)
	$(SITE_FILES)
	@echo "Open the book: file://$(CURDIR)/_build/html/index.html"

# make test runs its stages side by side, each as soon as what it needs is
# there: the unit tests and nbval from the start, the browser tests and the
# site checks once the strict build is done. So both cores stay busy; each
# stage's output is printed whole when it ends.
test: check-node $(STAMP) $(NODE_STAMP)
	$(MAKE) --no-print-directory -j4 --output-sync=target unit nbval browser site-tests

# Two pytest-xdist workers (the machines have 2 cores); nbval keeps each
# notebook on one worker (--dist loadscope) so its cells run in order in one kernel.
unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --doctest-modules d2lmini tests --ignore=tests/browser \
	  --ignore=tests/test_bundle.py --ignore=tests/test_pdf.py

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadscope --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg chapters

# --all: Sphinx would otherwise skip unchanged pages, and with them the warnings
# an earlier `make book` already printed.
build-strict: $(STAMP) $(NODE_STAMP)
	$(BUILD) --all
	$(SITE_FILES)

# Headless Chromium (/usr/bin/chromium) against the built book in _build/html:
# the live figures equal d2lmini, the pages' controls work, and the focused
# layout checks pass (the every-page sweeps are in `make audit`). Two workers, each test file on one of them (its
# browser pages are shared fixtures). Skips locally without chromium; fails
# under CI=true.
BROWSER_TESTS = $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile tests/browser
browser: build-strict
	$(MAKE) --no-print-directory browser-tests

browser-tests:
	$(BROWSER_TESTS) -m "not site_audit"

# The checks that sweep every page of the built site (marker site_audit): axe
# (WCAG 2.2 AA) in light and dark mode, the offline crawl (nothing off-site, no
# console error, no dead link, over http and file://), cold loads (the fonts each
# page fetches, its search fields), nothing hidden at 1280 or 390 px, no raw TeX,
# no typesetting script, main-line lengths and the contents highlight. Some
# three minutes of page loads, so not part of `make test`; .ci/run runs it after.
# It builds on the last build (`make book` only rebuilds what changed).
audit: book
	$(BROWSER_TESTS) -m site_audit

# The files the landing page and every chapter link, written beside index.html:
# the notebook bundle and the PDF (see README). Each is rebuilt only when its
# inputs change (a hash of them is kept in _build/bundle and _build/pdf), so a
# no-change `make book` stays fast. Without Chromium the PDF is skipped with a
# message, except under CI=true.
SITE_FILES = $(BIN)/python tools/build_bundle.py && $(BIN)/python tools/build_pdf.py --if-chromium

bundle: $(STAMP)
	$(BIN)/python tools/build_bundle.py

# The whole book as one PDF, printed offline by Debian's Chromium.
pdf: check-node $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_pdf.py

# The built site's bundle and PDF: contents, reproducibility, the PDF's text
# (needs pdftotext: apt-get install poppler-utils). Skips locally without them;
# fails under CI=true.
site-tests: build-strict
	$(MAKE) --no-print-directory site-checks

site-checks:
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_bundle.py tests/test_pdf.py -m "not bundle_venv"

# A reader's install: unpack the built bundle, make a fresh venv, install from
# the bundle alone (pip's cache is reused) and run nbval on its notebooks.
# Minutes, not seconds, so not part of `make test`; .ci/run runs it after.
bundle-test: book
	$(BIN)/python -m pytest -q -p no:cacheprovider -s tests/test_bundle.py -m bundle_venv

# Re-execute every notebook in place after changing code or prose.
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py chapters/*.ipynb

# Fail, listing notebooks and cell indices, if re-executing a temporary copy of
# any notebook changes a stored output: text (timings sanitized) or PNG bytes.
# The stored files are not written. NOTEBOOKS="chapters/x.ipynb" checks fewer.
NOTEBOOKS ?= $(wildcard chapters/*.ipynb)
check-notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py --check $(NOTEBOOKS)

# Format the notebooks' code cells to fit the book's code boxes (79 characters).
# Re-run `make notebooks` afterwards: the stored outputs must come from the new code.
format: $(STAMP)
	$(BIN)/ruff format --line-length 79 chapters/*.ipynb

# Open the notebooks in JupyterLab, with d2lmini importable.
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.txt jupyterlab==4.6.6
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build
