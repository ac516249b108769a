# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit bootstrap bench reliability package fuzz clean

$(STAMP): pyproject.toml scripts/bootstrap tests/web/axe/package-lock.json
	scripts/bootstrap
	npm ci --prefix tests/web/axe --no-audit --no-fund --loglevel=error
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

bootstrap: $(STAMP)

## Fresh demo data (SQLite, mail into var/outbox/) and the server on http://localhost:8080
demo: $(STAMP)
	scripts/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Lint, type-check and the whole test suite (real Chromium, PostgreSQL, SMTP server).
## The server, security and protocol tests run on two workers (each its own servers on
## their own ports); the browser, network and console tests one at a time.
PARALLEL := tests/server tests/security tests/protocol
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m "not isolated" -n 2 $(PARALLEL)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m "not isolated" $(PARALLEL:%=--ignore=%)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m isolated

## Benchmarks (not part of make test); writes docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

## Crash under load at full size (200 waiting, 20 sessions; not part of make test);
## writes docs/reliability.md
reliability: $(STAMP)
	$(BIN)/python bench/reliability.py

## The advisor console as a one-folder app in dist/videoberatung-advisor/ (packaging/README.md)
package: $(STAMP)
	$(BIN)/pyinstaller --noconfirm packaging/pyinstaller/videoberatung-advisor.spec

## A nightly-sized run of the generated-input tests (tests/security/): many more cases
fuzz: $(STAMP)
	VB_FUZZ_EXAMPLES=300 VB_FUZZ_FRAMES=2000 $(BIN)/pytest tests/security -p no:cacheprovider \
		-o timeout=5400

unit: $(STAMP)
	$(BIN)/pytest tests/server/unit

clean:
	rm -rf $(VENV) var build dist .pytest_cache .mypy_cache .ruff_cache
