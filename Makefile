# consult: `make run` and `make test` do all their own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast translations compile-translations stack e2e lint audit lock bench loadtest clean-db help

help:
	@echo "make run   - set up, migrate, seed the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test  - set up and run the whole test suite (SQLite; PostgreSQL with CONSULT_TEST_DATABASE_URL)"
	@echo "make test-fast - while working: all but the browser and slow tests"
	@echo "make stack - the production stack on this machine (nginx, gunicorn, PostgreSQL, Redis)"
	@echo "make bench - the performance record: apply, outbox, workers side by side; page CPU; pages at 100,000"
	@echo "make loadtest - the stack under 25, 50 and 100 clients (LOADTEST_ARGS=--smoke: a short one)"
	@echo "make lint  - ruff and pip-audit"
	@echo "make audit - pip-audit of requirements.lock; make lock re-pins it"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The compiled catalogs (.mo) are built from the committed .po files on set-up.
PO_FILES := $(wildcard consult/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

consult/translations/%/LC_MESSAGES/messages.mo: consult/translations/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -d consult/translations -l $* --statistics

compile-translations: $(MO_FILES)

# After adding or changing a string: re-extract messages.pot and merge it into every
# language's .po (new strings come out empty, changed ones fuzzy, for translators).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_ngettext:1,2 --no-wrap --sort-by-file \
	  --project consult --copyright-holder "UNGIS secretariat" \
	  -o consult/translations/messages.pot .
	$(BIN)/pybabel update -i consult/translations/messages.pot -d consult/translations \
	  --no-wrap --previous --ignore-obsolete
	-$(BIN)/python scripts/catalog_stats.py

# Emailed links name the address this serves on (CONSULT_PUBLIC_URL, unless set).
run: export CONSULT_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: $(STAMP) compile-translations
	$(BIN)/python scripts/ensure_browser.py --fonts
	$(BIN)/consult db upgrade
	$(BIN)/consult demo seed
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run_demo.sh

# The suite runs on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process).
# Each worker has its own database, Redis database number and ports (tests/settings.py).
TEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist worksteal)

test: $(STAMP) compile-translations
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# While working: everything but the browser and the slow tests (a minute or so).
test-fast: $(STAMP) compile-translations
	$(BIN)/python -m pytest $(XDIST) -m "not browser and not slow" $(PYTEST_ARGS)

# The production stack on this machine: nginx, gunicorn, PostgreSQL, Redis, two mail
# workers (deploy/run-local.sh says what it needs and what it starts).
stack: $(STAMP) compile-translations
	bash deploy/run-local.sh

# The end-to-end test of that stack (run by .ci/run): apply through nginx, slow clients,
# clean shutdown.
e2e: $(STAMP) compile-translations
	CONSULT_TEST_STACK=1 $(BIN)/python -m pytest tests/deploy $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# The stack under a crowd (scripts/loadtest.py): 25, 50, 100 clients; --smoke for a short one.
loadtest: $(STAMP) compile-translations
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

lint: $(STAMP) audit
	$(BIN)/ruff check consult tests migrations config scripts

# Known vulnerabilities in the pinned deployment dependencies (requirements.lock).
audit: $(STAMP)
	$(BIN)/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off

# Re-pin the deployment dependencies, with hashes, after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock pyproject.toml

clean-db:
	rm -f instance/consult.db
