# The operations interface: `make run` and `make test` on a fresh machine; the rest is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/docs.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

# The template's own installs are locked (requirements/*.txt, with hashes; `make lock` regenerates
# them); pyproject.toml keeps ranges for anyone installing the package as a library.
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.7.0
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test lint format bench fuzz lock clean

run: $(VENV)/.installed frontend/dist/index.html
	$(PY) -m backend migrate
	$(PY) -m backend create-admin --initial
	$(PY) -m backend seed-demo --if-empty
	$(PY) -m backend serve

test: $(VENV)/.installed-test frontend/dist/index.html
	$(PY) -m pytest
	cd frontend && npm test

lint: $(VENV)/.installed-test frontend/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -c pyproject.toml -r backend examples scripts --severity-level high
	$(PY) scripts/check_dangers.py
	$(VENV)/bin/hadolint Dockerfile
	cd frontend && npm run lint && npm run typecheck

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	cd frontend && npm run format

# Not part of `test`: about 15 minutes of load: core (SQLite), then core_postgres whenever PostgreSQL
# answers (BENCH_DATABASE_URL, else the local test server), on a throwaway database it drops after.
bench: $(VENV)/.installed-test
	$(PY) -m bench --runs 5 --duration 5

# Not part of `test`: Schemathesis with a fresh random seed (printed), 50 examples an operation, as a
# plain user and an admin, on SQLite and PostgreSQL (FUZZ_DATABASE_URL). See SECURITY.md.
fuzz: $(VENV)/.installed-test
	$(PY) scripts/fuzz.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements/lock-client.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock-client.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/lock-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock-test.txt
	touch $@

# Regenerate the lock files from pyproject.toml's ranges, keeping the pins that still fit; to move
# to newer releases: `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS='--upgrade-package sanic'`).
# A new sanic, sanic-ext, tortoise-orm or aerich must be re-verified: see docs/production.md.
lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --extra client --extra test -o requirements/lock-test.txt pyproject.toml
	$(PIP_COMPILE) --extra client -c requirements/lock-test.txt -o requirements/lock-client.txt pyproject.toml
	$(PIP_COMPILE) -c requirements/lock-test.txt -o requirements/lock.txt pyproject.toml

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check '$(PIP_TOOLS)'

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

clean:
	rm -rf $(VENV) $(LOCK_VENV) frontend/node_modules frontend/dist
