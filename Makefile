# ShopGraph: `make dev` runs the platform on embedded defaults; `make test` runs every test
# against real PostgreSQL, Redis, Kafka and Elasticsearch (started here when not reachable).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: dev test test-unit services-up services-down services-status lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
		echo "installing python3-venv"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@# GraphiQL's browser assets from the npm registry (served by the router, never a CDN).
	$(BIN)/python -m router.assets.install || echo "GraphiQL assets not installed: run router/assets/install.sh"
	@touch $(STAMP)

dev: $(STAMP)
	$(BIN)/shopgraph dev

services-up:
	$(PYTHON) infra/services.py up

services-down:
	$(PYTHON) infra/services.py down

services-status:
	$(PYTHON) infra/services.py status

# Starts what is not already reachable, runs unit + integration + e2e tests against it,
# then stops only what it started. pytest's exit code 5 (nothing collected) is a failure
# here: `make test` must always run tests.
test: $(STAMP)
	@set -o pipefail; \
	$(PYTHON) infra/services.py up || exit $$?; \
	trap '$(PYTHON) infra/services.py down' EXIT; \
	eval "$$($(PYTHON) infra/services.py env)"; \
	$(BIN)/python -m conformance.composition.reference install || exit $$?; \
	SHOPGRAPH_REQUIRE_REAL_SERVICES=1 $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# Unit tests only: no services needed. Exit 5 (no tests selected) counts as success.
test-unit: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider tests/unit $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shopgraph subgraphs workers router bootstrap conformance

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The router side by side with Hive Gateway, Hive Gateway + Rust query planner and Apollo
# Gateway (installed from npm into bench/.work), in front of the static subgraphs of
# bench/subgraphs (built with cargo) and of ShopGraph's own; writes bench/results/<date>.md.
# BENCH_ARGS e.g. "--duration 30 --connections 64 --only shopgraph --only hive-rust".
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
