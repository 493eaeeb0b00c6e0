# Anju: `make run` serves the demo county, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export ANJU_DATA_DIR ?= $(CURDIR)/data
HOST   ?= 127.0.0.1
PORT   ?= 8000
HOUSEHOLDS ?= 3000

.PHONY: install run serve test test-fast lint format check bench clean lock

install: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

## run: install, migrate, load the demo county, start the worker and the web server.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	ANJU_DEMO_MODE=1 $(BIN)/python manage.py demo --households $(HOUSEHOLDS) --logins
	ANJU_DEMO_MODE=1 ANJU_TOTP_REQUIRED=$${ANJU_TOTP_REQUIRED:-false} HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) sh scripts/serve.sh

## test: the whole suite (unit, integration, browser). DATABASE_URL selects PostgreSQL.
test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy anju

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

## lock: re-pin every dependency from pyproject.toml (needs the registry).
lock: install
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock --quiet
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements-dev.lock --quiet

clean:
	rm -rf $(VENV) .pytest_cache artifacts
