# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Extras the test suite needs; heavy optional parts (Spark, PDF, DOCX) join this list as
# their features arrive, so that `make demo` never installs them.
TEST_EXTRAS := test,spark

.PHONY: demo test lint typecheck messages system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a second run fast; they are redone whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[$(TEST_EXTRAS)]"
	touch $@ $(VENV)/.installed

# axe-core, which the browser tests run in every page, at the version package-lock.json holds.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV)/.installed
	$(BIN)/interagency demo --host $(HOST) --port $(PORT)

system-deps:
	scripts/install-system-deps.sh

test: system-deps $(VENV)/.installed-test node_modules/.installed lint typecheck
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Re-extracts the translatable messages and merges them into the Russian catalog.
messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k lazy --no-location -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d src/interagency/locales -l ru --width 100

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache .mypy_cache .hypothesis
