# Two commands on a fresh machine: `make run` (set up, start the dashboard on the shipped data)
# and `make test` (set up, lint, run every test). Everything the project needs is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test test-quick system-deps install snapshots bench load lint format clean

run: system-deps install snapshots
	$(VENV)/bin/streamlit run streamlit_app.py --server.port $(PORT) --server.address 0.0.0.0

test: system-deps install snapshots
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q

# The quick local loop: no browser tests.
test-quick: install snapshots
	$(PY) -m pytest -q -m "not e2e and not load"

bench: system-deps install snapshots
	$(PY) benchmarks/run.py

load: system-deps install snapshots
	$(PY) -m pytest -q -m load --load-seconds 120

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# Debian's Chromium renders exported images (kaleido) and drives the browser tests (Playwright);
# Noto CJK draws Chinese in both; LibreOffice Impress checks that the PPTX opens as an office
# would open it. No browser is ever downloaded.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libreoffice-impress
system-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
		&& command -v soffice >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	elif command -v sudo >/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "Please install the Debian packages $(SYSTEM_PACKAGES) (image export and tests)."; fi

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
