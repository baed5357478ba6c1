# VenTrack — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.installed-test-$(shell cat constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
QT_DEBIAN_LIBS := libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libx11-6 libxkbcommon0 fonts-dejavu-core
GUI_DEBIAN_LIBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0 \
	libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0

.PHONY: run test lint bench system-libs gui-libs clean package package-test lock

run: $(STAMP) system-libs gui-libs
	$(VENV)/bin/ventrack gui

test: $(TEST_STAMP) system-libs
	$(PY) -m ruff check desktop tests bench
	$(PY) -m ruff format --check desktop tests bench
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(TEST_STAMP)
	$(PY) -m ruff check desktop tests bench
	$(PY) -m ruff format --check desktop tests bench
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

bench: $(TEST_STAMP)
	$(PY) bench/registry.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Locked versions: constraints.txt is what CI tested (`make lock` refreshes it).
$(STAMP): $(VENV)/bin/python constraints.txt pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(VENV)/bin/python constraints.txt pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(STAMP)

lock: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test,package]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

# Qt needs a few Debian libraries even offscreen: install them when missing (as root), else say how.
system-libs:
	@sh packaging/debian-libs.sh $(QT_DEBIAN_LIBS)

gui-libs:
	@sh packaging/debian-libs.sh $(GUI_DEBIAN_LIBS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache

package: $(VENV)/bin/python
	$(PY) -m pip install --quiet -c constraints.txt -e '.[package]'
	sh packaging/linux/build_deb.sh $(PY)

package-test:
	sh packaging/linux/smoke_test.sh
