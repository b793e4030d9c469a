# `make run` sets up and opens the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

APP_ID := org.fertilitytracker.FertilityTracker
VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DIST_NAME = fertilitytracker-$(VERSION)-linux-$(shell uname -m)
DIST_VENV := build/dist-venv

.PHONY: run test test-headless lint format bench clean dist dist-check screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev,encryption]"
	touch $(STAMP)

run: $(STAMP)
	bash packaging/system-deps.sh x11
	$(BIN)/fertilitytracker

test: $(STAMP)
	bash packaging/system-deps.sh offscreen
	bash packaging/system-deps.sh validators || echo "(without them the packaging tests that use them skip)"
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n auto
	$(MAKE) --no-print-directory test-headless

# The tests not marked `gui`, in a venv without PySide6, pyqtgraph or pytest-qt: proves that
# core, storage, services and cli need no Qt (docs/design.md, layers). The package goes in
# with --no-deps; the other requirements are pyproject's own lists minus the Qt ones.
HEADLESS_VENV := build/headless-venv
QT_PACKAGES := pyside6 pyqtgraph pytest-qt
$(HEADLESS_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(HEADLESS_VENV)
	$(HEADLESS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) -c 'import sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print(*(d for d in p["dependencies"] + p["optional-dependencies"]["test"] \
		if not d.lower().startswith(tuple(sys.argv[1:]))), sep="\n")' \
		$(QT_PACKAGES) > $(HEADLESS_VENV)/requirements.txt
	$(HEADLESS_VENV)/bin/python -m pip install --quiet -r $(HEADLESS_VENV)/requirements.txt
	$(HEADLESS_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

test-headless: $(HEADLESS_VENV)/.installed
	$(HEADLESS_VENV)/bin/python -m pytest -m "not gui" -p no:cacheprovider -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The bundle runs the package as compiled bytecode (PyInstaller), as a pip install does; a
# checkout run with PYTHONDONTWRITEBYTECODE would compile every module again in each measured
# process, so the figures are taken from the package compiled once here.
bench: $(STAMP)
	bash packaging/system-deps.sh bench
	$(BIN)/python -m compileall -q fertilitytracker
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

# The desktop bundle: a build environment with the app installed as users get it (not editable)
# and PyInstaller; then the one-folder bundle, install.sh, the menu entry, metainfo and icons
# in dist/$(DIST_NAME)/, packed as dist/$(DIST_NAME).tar.gz.
$(DIST_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DIST_VENV)/bin/python -m pip install --quiet ".[dist,encryption]"
	touch $@

dist: $(DIST_VENV)/.installed
	bash packaging/system-deps.sh x11
	rm -rf build/lib build/pyinstaller dist/fertilitytracker dist/$(DIST_NAME) dist/$(DIST_NAME).tar.gz
	$(DIST_VENV)/bin/python -m pip install --quiet --no-deps --force-reinstall .
	$(DIST_VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/fertilitytracker.spec
	mv dist/fertilitytracker dist/$(DIST_NAME)
	install -m 755 packaging/install.sh dist/$(DIST_NAME)/install.sh
	install -m 644 LICENSE dist/$(DIST_NAME)/LICENSE
	install -D -m 644 resources/$(APP_ID).desktop dist/$(DIST_NAME)/share/applications/$(APP_ID).desktop
	install -D -m 644 resources/$(APP_ID).metainfo.xml \
		dist/$(DIST_NAME)/share/metainfo/$(APP_ID).metainfo.xml
	$(DIST_VENV)/bin/python packaging/render_icons.py dist/$(DIST_NAME)/share/icons >/dev/null
	tar -C dist -czf dist/$(DIST_NAME).tar.gz $(DIST_NAME)
	@echo "Bundle: dist/$(DIST_NAME) ($$(du -sh dist/$(DIST_NAME) | cut -f1)," \
		"tarball $$(du -h dist/$(DIST_NAME).tar.gz | cut -f1))"

# Unpack the tarball in an empty folder and run it with an empty environment; install and
# uninstall it in a temporary home and compare the home before and after.
dist-check:
	bash packaging/dist-check.sh dist/$(DIST_NAME).tar.gz $(VERSION)

# The README's pictures, from the demo journal in a real X window (and the report's first page).
screenshots: $(STAMP)
	bash packaging/screenshots.sh $(BIN)/fertilitytracker docs
