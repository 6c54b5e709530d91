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
endif

.PHONY: venv book test unit nbval build-strict browser notebooks lab clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BUILD)
	@echo "Open the book: file://$(CURDIR)/_build/html/index.html"

test: unit nbval build-strict

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg chapters

build-strict: $(STAMP)
	$(BUILD)

# Re-execute every notebook in place after changing code or prose.
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py chapters/*.ipynb

# Open the notebooks in JupyterLab, with d2lmini importable.
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet jupyterlab==4.6.6
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build
