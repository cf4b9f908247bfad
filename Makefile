# The README's two commands: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install dev lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,postgres]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

## run: install, migrate, ingest the bundled examples into an empty database, then run the
## bot (TELEGRAM_BOT_TOKEN set) or open the console chat (no token).
run: install
	$(BIN)/newsdigest ingest --if-empty examples
	$(BIN)/newsdigest run --fallback-to-chat

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy

pytest: dev
	$(BIN)/pytest -q

## test: ruff, mypy and pytest (storage and end-to-end tests on SQLite and PostgreSQL).
test: lint typecheck pytest

bench: dev
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
