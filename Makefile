# The README's two commands: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install dev lint typecheck pytest bench clean lock docker-build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# constraints.txt pins every package to the version the tests ran with (`make lock` renews it).
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[postgres]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,postgres]'
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
	$(BIN)/python bench/fanout.py

## lock: after changing dependencies in pyproject.toml, pin what the dev install resolved.
lock: dev
	{ grep '^#' constraints.txt; $(BIN)/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

## docker-build: build the image and run it once, where a Docker engine is reachable.
docker-build:
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		docker build -t newsdigest:latest . && docker run --rm newsdigest:latest newsdigest --version; \
	else \
		echo "docker-build: no Docker engine reachable, skipped (tests/test_docker_files.py checks the files)"; \
	fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
