# make data: set up .venv with what the build needs, build the tables, validate the package, show what it holds.
# make test: the whole test suite, as CI runs it.
# make check: lint and the fast tests, before a pull request.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Modules run with this checkout's src/ first: a copied checkout (cp -a) keeps the
# original's .venv, whose editable install would otherwise run, and write, the original.
HERE := PYTHONPATH="$(CURDIR)/src" $(PY)
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar off

.PHONY: data test lint floors build check validate docs figure bench clean

# The runtime (pandas, pyarrow) and frictionless: all the main job needs.
$(BIN)/.installed-data: pyproject.toml
	@echo "== setting up $(VENV) with pandas, pyarrow and frictionless (about a minute the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) --quiet --upgrade pip
	$(PIP) -e ".[validate]"
	touch $@

# Everything the test suite uses, on top.
$(BIN)/.installed-test: $(BIN)/.installed-data
	@echo "== adding the test tools to $(VENV)"
	$(PIP) -e ".[test]"
	touch $@

data: $(BIN)/.installed-data
	@echo "== building the tables from data/curated/"
	$(PY) scripts/build.py
	@echo "== rewriting the generated parts of README.md and docs/"
	$(PY) scripts/render_docs.py
	@echo "== writing the typed load_<table> helpers from datapackage.json"
	$(HERE) -m minusma_build.loaders
	@echo "== validating datapackage.json with frictionless"
	$(BIN)/frictionless validate datapackage.json
	@echo "== what the package holds"
	$(HERE) -m minusma_data info
	@echo "== ready: run '. $(VENV)/bin/activate' to enter the environment (python, minusma-data, frictionless), or call $(PY)"

build: $(BIN)/.installed-data
	$(PY) scripts/build.py


validate: $(BIN)/.installed-data
	$(BIN)/frictionless validate datapackage.json

# Rewrite the generated blocks of README.md and docs/ (tables, data dictionary, codebook) from datapackage.json.
docs: $(BIN)/.installed-data
	$(PY) scripts/render_docs.py

# Redraw docs/timeline.png from data/events.csv.
figure: $(BIN)/.installed-test
	$(PY) scripts/plot_timeline.py

# Write the explorer page to site/ (open site/index.html, or publish the folder). The page
# finds the release files of the package's version in dist/ itself: no value of the data
# ever reaches a recipe's shell.
.PHONY: site
$(BIN)/.installed-xlsx: $(BIN)/.installed-data
	$(PIP) -e ".[xlsx]"
	touch $@

site: $(BIN)/.installed-xlsx
	$(PY) -m minusma_build.release --zip-only --output dist
	$(BIN)/minusma-data export --format xlsx --output dist
	$(PY) -m minusma_build.site --output site --release-dir dist

# Measure the loader's cost and how the build scales; prints a table of figures and targets.
bench: $(BIN)/.installed-test
	$(PY) -m benchmarks.run

# Build the release files into dist/ from the last commit and check them (docs/releasing.md).
.PHONY: release
$(BIN)/.installed-release: $(BIN)/.installed-data
	$(PIP) -e ".[release]"
	touch $@

# RELEASE_FLAGS: e.g. --no-verify, typed by whoever runs make. The release workflow gives its tag
# as RELEASE_TAG in the environment (read by the release command), never through a recipe.
RELEASE_FLAGS ?=
release: $(BIN)/.installed-release
	$(PY) -m minusma_build.release $(RELEASE_FLAGS)

# The code's style and correctness gates (rules in pyproject.toml): mypy is strict on the loader.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every test (the slow ones too) on two workers, one test file per worker at a time.
test: $(BIN)/.installed-test lint
	$(PY) scripts/build.py --check
	$(BIN)/frictionless validate datapackage.json
	$(PY) scripts/render_docs.py --check
	$(HERE) -m minusma_build.loaders --check
	$(PY) -m pytest -n 2 --dist loadfile

# Before a pull request, in under a minute: lint, the generated files, and the
# tests not marked slow. `make test` (and CI) runs them all.
check: $(BIN)/.installed-test lint
	$(PY) scripts/build.py --check
	$(PY) scripts/render_docs.py --check
	$(HERE) -m minusma_build.loaders --check
	$(PY) -m pytest -n 2 --dist loadfile -m "not slow"

# The loader's tests at the lowest pandas, pyarrow, numpy and polars that pyproject.toml allows
# (ci/floors.txt), in a virtual environment of their own: the floors are tested, not guessed.
FLOORS := .venv-floors
FLOOR_TESTS := tests/test_loader.py tests/test_loader_damage.py tests/test_backends.py tests/test_native_backends.py tests/test_verify_parquet.py tests/test_floors.py
floors:
	@echo "== the loader's tests at the lowest supported versions (ci/floors.txt)"
	rm -rf $(FLOORS)
	$(PYTHON) -m venv $(FLOORS)
	$(FLOORS)/bin/python -m pip install --disable-pip-version-check --progress-bar off --quiet \
		--only-binary=:all: -c ci/floors.txt -e . polars pytest hypothesis
	$(FLOORS)/bin/python -m pytest -q $(FLOOR_TESTS)

clean:
	rm -rf $(VENV) $(FLOORS) dist build site .pytest_cache .hypothesis
