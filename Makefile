# Set-up and everyday commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address mails link to: where `make demo`/`make run` serve, unless set.
SITE_URL ?= http://$(HOST):$(PORT)
demo run: export SITE_URL := $(SITE_URL)

.PHONY: demo test lint check audit lock mutation client run worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

## demo: install, migrate the embedded SQLite database, load the record and demo accounts, draft
## the 2025 annual report unless it has a draft, serve; a second run changes nothing
demo: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --verbosity 0
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --sample-round --annual-report 2025
	@echo "Serving $(SITE_URL)/ (admin at /admin/). Ctrl-C to stop."
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## run: migrate and serve what the database holds, without seeding anything
run: $(VENV)/.runtime
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --verbosity 0
	@echo "Serving $(SITE_URL)/ (admin at /admin/). Ctrl-C to stop."
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what the tests need and run the whole suite
test: $(VENV)/.dev
	$(BIN)/pytest

## lint: ruff's checks and formatting
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## check: Django's system checks and a migration check
check: $(VENV)/.dev
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py check
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run

## audit: known vulnerabilities in every locked dependency (tools/audit.py): prints how many
## packages each advisory source checked and the date of its data; fails on a known
## vulnerability, and on a package no source could check (NOT CHECKED), never passing silently
audit: $(VENV)/.dev
	$(BIN)/python tools/audit.py requirements-dev.lock

## lock: re-resolve pyproject.toml into the two lock files (after changing a dependency)
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements-dev.lock

## mutation: mutation testing of the rule modules in tools/mutation.toml (report in mutants/);
## MODULES=apps/accounts/permissions.py picks some, MUTATION_ARGS passes more (e.g. --base HEAD)
mutation: $(VENV)/.dev
	$(BIN)/python tools/mutation.py $(addprefix --module ,$(MODULES)) $(MUTATION_ARGS)

## client: a Python client generated from the live API schema (fails on any generator warning)
client: $(VENV)/.dev
	DEBUG=$${DEBUG:-1} $(BIN)/python tools/api_client.py --output build/api-client

## worker / beat: a Celery worker and scheduler (need REDIS_URL)
worker: $(VENV)/.runtime
	$(BIN)/celery -A isecg_tracker worker --loglevel INFO
beat: $(VENV)/.runtime
	$(BIN)/celery -A isecg_tracker beat --loglevel INFO --schedule /tmp/isecg-celerybeat-schedule

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
