# Two commands for a newcomer: `make run` (service on the embedded default with a demo year)
# and `make test` (every test, provisioning PostgreSQL itself). Both set up .venv/ first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
DATA_DIR ?= data
PORT ?= 8000

.PHONY: run test lint rules unit clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/banli serve --data-dir $(DATA_DIR) --demo --host 127.0.0.1 --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

rules: $(STAMP)
	$(BIN)/python scripts/rules_coverage.py

# The PostgreSQL tests provision their server themselves (scripts/ensure_postgres.sh, via the
# `postgres_dsn` fixture), so a fresh machine needs nothing started beforehand.
# The suite runs on every core (at most TEST_WORKERS processes): each test has its own schema,
# data folder and topics. The tests that stop or restart the one shared Kafka broker run
# afterwards, alone, or they would pull the broker from under the Kafka tests beside them.
TEST_WORKERS ?= 4
test: lint rules
	$(BIN)/pytest -q -p no:cacheprovider -n auto --maxprocesses=$(TEST_WORKERS) -m "not broker_restart"
	$(BIN)/pytest -q -p no:cacheprovider -m broker_restart

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

clean:
	rm -rf $(VENV) .cache $(DATA_DIR) .mypy_cache .ruff_cache .pytest_cache .hypothesis
