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

.PHONY: run test test-fast check lint format bench clean

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

check: lint $(STAMP)
	$(BIN)/mypy
	$(BIN)/pytest -m "slow or not slow" -q

clean:
	rm -rf $(VENV) .prefect data .pytest_cache .mypy_cache .ruff_cache
