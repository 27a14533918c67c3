# The two commands: `make demo` sets up and serves the demo district; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export EPIGRID_DATA_DIR ?= $(CURDIR)/data

.PHONY: demo test lint typecheck bench-smoke messages clean

demo: $(VENV)/.installed
	$(BIN)/epigrid demo

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed
	$(BIN)/mypy

bench-smoke: $(VENV)/.installed
	$(BIN)/epigrid bench areas --scale tiny --repeat 3

# makemessages wraps lines by display width (a Chinese character counts two); the catalogue is
# kept in polib's layout (every character one), so that a run changes only what changed.
CATALOGUE = src/epigrid/locale/zh_Hans/LC_MESSAGES/django.po
messages: $(VENV)/.installed
	cd src/epigrid && DJANGO_SETTINGS_MODULE=epigrid.config.settings \
		../../$(BIN)/django-admin makemessages -l zh_Hans
	$(BIN)/python -c "import polib; polib.pofile('$(CATALOGUE)').save()"
	cd src/epigrid && DJANGO_SETTINGS_MODULE=epigrid.config.settings \
		../../$(BIN)/django-admin compilemessages -l zh_Hans

# The virtual environment is made once and refreshed when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts var
