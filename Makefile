# Two commands on a fresh machine: `make run` (set up, start the dashboard on the shipped data)
# and `make test` (set up, lint, run every test). Everything the project needs is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# make serve: this many workers behind nginx on SERVE_PORT (default: one per core).
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
SERVE_PORT ?= 8080
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run serve test test-quick system-deps install snapshots bench bench-quick load lint format clean

run: system-deps install snapshots
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.address 0.0.0.0

# Several workers behind nginx (deploy/): sticky sessions, health checks, compression.
serve: system-deps install snapshots
	$(PY) -m deploy.serve --workers $(WORKERS) --port $(SERVE_PORT)

test: system-deps install snapshots
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q

# The quick local loop: no browser tests.
test-quick: install snapshots
	$(PY) -m pytest -q -m "not e2e and not load"

bench: system-deps install snapshots
	$(PY) benchmarks/run.py

bench-quick: system-deps install snapshots
	$(PY) benchmarks/run.py --quick

load: system-deps install snapshots
	$(PY) -m pytest -q -m load --load-seconds 120

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# Debian's Chromium renders exported images (kaleido) and drives the browser tests (Playwright);
# Noto CJK draws Chinese in both; nginx fronts several app processes (make serve); LibreOffice
# opens the PPTX pack in a test and poppler turns pages into images. No browser is downloaded.
DEBIAN_PACKAGES := chromium fonts-noto-cjk nginx-light libreoffice-impress poppler-utils
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
		&& { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	else echo "Please install the Debian packages $(DEBIAN_PACKAGES)."; fi

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

snapshots: install
	@test -f data/snapshots/2019-01-09/manifest.json && test -f data/snapshots/sample/manifest.json \
		|| $(PY) -m dashboard build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts benchmarks/results
