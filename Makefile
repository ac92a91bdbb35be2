# The operations interface: `make run` and `make test` on a fresh machine; the rest is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.PHONY: run test lint format bench fuzz clean

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

# Not part of `test`: about 5 minutes of load (core; core_postgres too when BENCH_DATABASE_URL is set).
bench: $(VENV)/.installed-test
	$(PY) -m bench --runs 5 --duration 5

# Not part of `test`: Schemathesis with a fresh random seed (printed), 50 examples an operation, as a
# plain user and an admin, on SQLite and PostgreSQL (FUZZ_DATABASE_URL). See SECURITY.md.
fuzz: $(VENV)/.installed-test
	$(PY) scripts/fuzz.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[client]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
