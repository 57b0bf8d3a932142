# Reintegra: the setup contract. `make demo` serves the demo, `make test` checks everything.
# GNU make with a POSIX shell; targets that are not files are listed in .PHONY.

SHELL := /bin/sh
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PORT ?= 8000
# Management commands run in demo mode (development key, DEBUG allowed, demo accounts).
MANAGE := REINTEGRA_DEMO=1 $(PY) manage.py
SOURCES := reintegra scripts manage.py conftest.py

.PHONY: help demo test lint fmt check-migrations check-translations messages pytest bench clean-venv

help:
	@echo "make demo   - install, migrate, load demo data and serve http://127.0.0.1:$(PORT)"
	@echo "make test   - ruff, migrations check, French catalogue check, full test suite"
	@echo "make bench  - time the main pages, RSS scoring and exports (see docs/benchmarks.md)"
	@echo "make lint   - ruff check and format check;  make fmt - format and fix"

# --- environment -------------------------------------------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
		echo "Reintegra needs Python 3.11 or newer as '$(PYTHON)'; found: $$($(PYTHON) --version 2>&1)."; \
		echo "Install it, or run: make PYTHON=/path/to/python3.11 demo"; exit 1; }
	@echo "==> Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV) || { \
		echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

# Reinstalls only when a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "==> Installing pinned dependencies (requirements-dev.txt)"
	@$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $(STAMP)

var/static:
	@mkdir -p var/static

# --- demo --------------------------------------------------------------------------------

demo: $(STAMP) var/static messages
	@echo "==> Migrating the database"
	@$(MANAGE) migrate --no-input
	@echo "==> Loading demo data (idempotent)"
	@$(MANAGE) seed_demo
	@echo "==> Serving http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@REINTEGRA_DEMO=1 DEBUG=1 $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# --- checks ------------------------------------------------------------------------------

lint: $(STAMP)
	@echo "==> ruff check"
	@$(VENV)/bin/ruff check $(SOURCES)
	@echo "==> ruff format --check"
	@$(VENV)/bin/ruff format --check $(SOURCES)

fmt: $(STAMP)
	@$(VENV)/bin/ruff format $(SOURCES)
	@$(VENV)/bin/ruff check --fix $(SOURCES)

check-migrations: $(STAMP) var/static
	@echo "==> makemigrations --check"
	@$(MANAGE) makemigrations --check --dry-run

check-translations: $(STAMP)
	@echo "==> French catalogue is complete"
	@REINTEGRA_DEMO=1 $(PY) scripts/check_translations.py

messages: $(STAMP)
	@echo "==> Compiling translations"
	@REINTEGRA_DEMO=1 $(PY) scripts/compile_messages.py

pytest: $(STAMP) messages
	@echo "==> pytest (2 workers)"
	@$(PY) -m pytest -n 2 -rs

test: lint check-migrations check-translations messages
	@$(MAKE) --no-print-directory pytest

# --- benchmarks --------------------------------------------------------------------------

bench: $(STAMP) var/static messages
	@REINTEGRA_DEMO=1 $(PY) scripts/bench.py
	@REINTEGRA_DEMO=1 $(PY) scripts/bench_scoring.py
	@REINTEGRA_DEMO=1 $(PY) scripts/bench_dashboards.py
	@REINTEGRA_DEMO=1 $(PY) scripts/bench_exports.py

clean-venv:
	rm -rf $(VENV)
