# The commands people type. `make help` lists them.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: help run install install-test translations db demo test test-fast lint messages

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python ## Install the portal into .venv
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python ## Install the portal and what the tests need
	$(BIN)/pip install --quiet -e '.[test]'

translations: ## Compile the message catalogues
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 2

db: ## Apply migrations to the database (DATABASE_URL, default instance/portal.sqlite)
	$(FLASK) db upgrade
	$(FLASK) search reindex

demo: ## Load demo staff accounts and petitions, print the logins
	$(FLASK) demo-data

run: export PORTAL_ENV ?= development
run: install translations db demo ## Set up and serve the demo with gunicorn on http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT), with the background worker  (Ctrl-C to stop)"
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: ## Set up and run every test: SQLite, PostgreSQL, browser
	bash scripts/test.sh

test-fast: install-test translations ## The quick subset: SQLite only, no browser
	$(BIN)/pytest -q -m "not browser and not cluster"

lint: install-test ## ruff: the rules, and the formatting (`ruff format` fixes it)
	$(BIN)/ruff check portal tests bench
	$(BIN)/ruff format --check portal tests bench

messages: ## Re-extract strings and update the catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
