# make data: set up .venv, build the tables, validate the package, show what it holds.
# make test: the whole test suite, as CI runs it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: data test build check validate readme figure clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

data: $(BIN)/.installed
	$(PY) scripts/build.py
	$(PY) scripts/render_readme.py
	$(BIN)/frictionless validate datapackage.json
	$(PY) -m minusma_data info

build: $(BIN)/.installed
	$(PY) scripts/build.py

check: $(BIN)/.installed
	$(PY) scripts/build.py --check

validate: $(BIN)/.installed
	$(BIN)/frictionless validate datapackage.json

# Rewrite the README's generated blocks (tables, data dictionary, codebook) from datapackage.json.
readme: $(BIN)/.installed
	$(PY) scripts/render_readme.py

# Redraw docs/timeline.png from data/events.csv.
figure: $(BIN)/.installed
	$(PY) scripts/plot_timeline.py

# Measure the loader's cost and how the build scales; prints a table of figures and targets.
.PHONY: bench
bench: $(BIN)/.installed
	$(PY) -m benchmarks.run

# Build the release files into dist/ from the last commit and check them (docs/releasing.md).
.PHONY: release
$(BIN)/.release-installed: $(BIN)/.installed
	$(PY) -m pip install --quiet -e ".[release]"
	touch $@

# RELEASE_FLAGS: e.g. --tag v0.2.0 (the release workflow checks its tag this way).
RELEASE_FLAGS ?=
release: $(BIN)/.release-installed
	$(PY) -m minusma_build.release $(RELEASE_FLAGS)

test: $(BIN)/.installed
	$(PY) scripts/build.py --check
	$(BIN)/frictionless validate datapackage.json
	$(PY) scripts/render_readme.py --check
	$(PY) -m pytest

clean:
	rm -rf $(VENV) dist build .pytest_cache .hypothesis
