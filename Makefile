# consult: `make run` and `make test` do all their own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench clean-db help

help:
	@echo "make run   - set up, migrate, seed the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test  - set up and run the test suite (SQLite; PostgreSQL with CONSULT_TEST_DATABASE_URL)"
	@echo "make bench - time the secretariat's list pages at 100,000 applications"
	@echo "make lint  - ruff"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/consult db upgrade
	$(BIN)/consult demo seed
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run_demo.sh

test: $(STAMP)
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check consult tests migrations config scripts

clean-db:
	rm -f instance/consult.db
