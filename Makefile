# newswatch: `make run` (set up and run the main job), `make test`, `make check`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Prefect keeps its state in the project; a fresh home migrates its database at first start.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: run test test-fast check lint typecheck format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newswatch run

test: $(STAMP)
	$(BIN)/pytest -m "slow or not slow" -q

test-fast: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check newswatch sources flows warehouse tests bench
	$(BIN)/ruff format --check newswatch sources flows warehouse tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix newswatch sources flows warehouse tests bench
	$(BIN)/ruff format newswatch sources flows warehouse tests bench

# mypy sees the package as it is installed: sources/, flows/ and warehouse/ are newswatch.sources,
# newswatch.flows and newswatch.warehouse (setuptools package-dir), so it checks a tree of links.
TYPECHECK := build/typecheck
typecheck: $(STAMP)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/newswatch
	ln -s $(CURDIR)/newswatch/* $(TYPECHECK)/newswatch/
	for d in sources flows warehouse; do ln -s $(CURDIR)/$$d $(TYPECHECK)/newswatch/$$d; done
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p newswatch

check: lint typecheck
	$(BIN)/pytest -m "slow or not slow" -q

clean:
	rm -rf $(VENV) .prefect data build .pytest_cache .mypy_cache .ruff_cache
