# Two commands set everything up on a fresh Debian machine with Python and make:
#   make run   — venv, pinned dependencies, system packages, then the sample job
#   make test  — the same set-up, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.evalkit-installed

# Chinese PDFs need a CJK font and HarfBuzz's subsetter; WeasyPrint needs Pango.
RUN_DEBS  := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig
# The tests read PDFs back through poppler (pdftotext, pdffonts, pdftoppm).
TEST_DEBS := $(RUN_DEBS) poppler-utils

.PHONY: run test lint bench setup sysdeps-run sysdeps-test clean

run: setup sysdeps-run
	$(BIN)/evalkit validate
	$(BIN)/evalkit rank
	$(BIN)/evalkit select
	$(BIN)/evalkit report --lang zh --lang en --no-towns --format both --document all

# One test worker per core; a file's tests share a worker (and its module fixtures).
test: setup sysdeps-test
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy evalkit

bench: setup sysdeps-run
	$(BIN)/python -m bench

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

sysdeps-run:
	@sh .ci/sysdeps $(RUN_DEBS)

sysdeps-test:
	@sh .ci/sysdeps $(TEST_DEBS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
