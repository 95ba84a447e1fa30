# ShopGraph: `make dev` runs the platform on embedded defaults; `make test` runs every test
# against real PostgreSQL, Redis, Kafka and Elasticsearch (started here when not reachable).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PROD_LOCK := requirements-prod.lock
LOCK_ARGS ?= --upgrade
PYTEST_ARGS ?=
# pytest-xdist workers for `make test`: most tests wait on servers and sockets, not on the CPU,
# so one per core nearly divides the wall time by the cores. Each test file runs whole on one
# worker (its module-scoped platform starts once); the tests of one xdist_group (the fault
# tests) run one after the other on one worker (tests/support/scheduling.py);
# PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
PYTEST_XDIST := --numprocesses $(PYTEST_WORKERS) --dist loadgroup

.PHONY: dev lock stripe-mock test test-unit services-up services-down services-status lint format \
	bench bench-search bench-auth bench-checkout clean storefront storefront-node \
	storefront-install storefront-build storefront-chromium storefront-ready test-storefront \
	lint-storefront

# Installs the pinned, hash-checked dependencies of requirements.lock, then ShopGraph itself
# without resolving anything. `pip check` fails when pyproject.toml asks for a package the
# lock does not have: run `make lock` then. uv installs them (in seconds where pip takes
# minutes); uv itself comes from the lock, pinned and hash-checked, through pip.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
		echo "installing python3-venv"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@awk '/^uv==/ {found=1} found {print} found && !/\\$$/ {exit}' $(LOCK) > $(VENV)/uv.lock.txt
	$(BIN)/pip install -q --require-hashes --no-deps -r $(VENV)/uv.lock.txt
	$(BIN)/uv pip install --python $(BIN)/python -q --require-hashes -r $(LOCK)
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps -e .
	@$(BIN)/pip check || { echo "$(LOCK) does not satisfy pyproject.toml: run make lock"; exit 1; }
	@# GraphiQL's browser assets from the npm registry (served by the router, never a CDN).
	$(BIN)/python -m router.assets.install || echo "GraphiQL assets not installed: run router/assets/install.sh"
	@touch $(STAMP)

# Re-resolves pyproject.toml's ranges to the newest versions into requirements.lock (Python
# 3.11, hashes for every platform), then requirements-prod.lock (no dev extra) for the image. One package only: make lock LOCK_ARGS="--upgrade-package httpx".
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install -q uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --custom-compile-command "make lock" $(LOCK_ARGS) -o $(LOCK)
	@# The Docker image's lock: the runtime dependencies only, at the versions just locked.
	$(BIN)/uv pip compile --quiet pyproject.toml --generate-hashes --universal \
		--python-version 3.11 --custom-compile-command "make lock" --constraint $(LOCK) \
		-o $(PROD_LOCK)

dev: $(STAMP)
	$(BIN)/shopgraph dev

services-up:
	$(PYTHON) -m infra up

services-down:
	$(PYTHON) -m infra down

services-status:
	$(PYTHON) -m infra status

# stripe-mock (Stripe's API mock, Go) for the Stripe provider's tests, built into .venv/bin;
# tests/support/stripe_mock.py starts it on a free 127.0.0.1 port.
STRIPE_MOCK := $(BIN)/stripe-mock
STRIPE_MOCK_VERSION ?= v0.203.0

$(STRIPE_MOCK):
	@command -v go >/dev/null || { echo "stripe-mock needs Go (https://go.dev/dl/)"; exit 1; }
	GOBIN=$(abspath $(BIN)) go install github.com/stripe/stripe-mock@$(STRIPE_MOCK_VERSION)

stripe-mock: $(STAMP) $(STRIPE_MOCK)

# Starts what is not already reachable, runs unit + integration + e2e tests against it,
# then stops only what it started (never a server that was reachable before: `infra down`
# alone stops every server of the run directory, shared ones too); then the storefront's
# tests (test-storefront). pytest's exit code 5 (nothing collected) is a failure here:
# `make test` must always run tests. The storefront runs even when pytest failed, and
# `make test` fails if either did.
test: $(STAMP) $(STRIPE_MOCK) storefront-ready
	@set -o pipefail; \
	rc=0; \
	( unreachable=$$($(PYTHON) -m infra status | awk -F: '/NOT reachable/ {printf "%s%s", s, $$1; s=","}'); \
	  $(PYTHON) -m infra up || exit $$?; \
	  if [ -n "$$unreachable" ]; then trap '$(PYTHON) -m infra down --only '"$$unreachable" EXIT; fi; \
	  eval "$$($(PYTHON) -m infra env)"; \
	  $(BIN)/python -m conformance.composition.reference install || exit $$?; \
	  SHOPGRAPH_REQUIRE_REAL_SERVICES=1 $(BIN)/pytest -p no:cacheprovider \
	    $(PYTEST_XDIST) --durations=30 $(PYTEST_ARGS) ) || rc=$$?; \
	$(MAKE) --no-print-directory test-storefront || rc=$$((rc ? rc : 1)); \
	exit $$rc

# Unit tests only: no services needed. Exit 5 (no tests selected) counts as success.
test-unit: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider tests/unit $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

lint: $(STAMP) lint-storefront
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shopgraph subgraphs workers router bootstrap conformance infra bench tests

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The router side by side with Hive Gateway, Hive Gateway + Rust query planner and Apollo
# Gateway (installed from npm into bench/.work), in front of the static subgraphs of
# bench/subgraphs (built with cargo) and of ShopGraph's own; writes bench/results/<date>.md.
# BENCH_ARGS e.g. "--duration 30 --connections 64 --only shopgraph --only hive-rust".
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(NETNS) bash -c 'ip link set lo up && $(BIN)/python bench/storefront.py'

# Search: Elasticsearch vs the SQL adapter on a generated 50 000-product catalog; writes
# bench/results/search-<date>.md. Needs Elasticsearch (and PostgreSQL for its column):
# services-up first. BENCH_SEARCH_ARGS e.g. "--duration 30 --connections 1,8,16".
bench-search: $(STAMP)
	eval "$$($(PYTHON) -m infra env)"; $(BIN)/python bench/search.py $(BENCH_SEARCH_ARGS)

# Sign-ups and sign-ins per second of the users subgraph, argon2-cffi's defaults vs
# ShopGraph's; writes bench/results/auth-<date>.md. BENCH_AUTH_ARGS e.g. "--duration 30".
bench-auth: $(STAMP)
	$(BIN)/python bench/auth.py $(BENCH_AUTH_ARGS)

# The checkout saga under a crowd: the scale-out stack (PostgreSQL, Kafka, Redis, one process
# per subgraph and worker group, the router), then make dev; writes
# bench/results/checkout-<date>.md. BENCH_CHECKOUT_ARGS e.g. "--shoppers 300 --concurrency 50".
bench-checkout: $(STAMP)
	$(PYTHON) -m infra up
	eval "$$($(PYTHON) -m infra env)"; $(BIN)/python bench/checkout.py $(BENCH_CHECKOUT_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

# The Next.js storefront (storefront/, see its README section). `make dev` serves it on :3000
# next to the router; `make storefront` runs `next dev` with hot reload against that router.
SF := storefront
SF_BUILD_INPUTS := $(shell find $(SF)/src $(SF)/public $(SF)/scripts -type f 2>/dev/null) \
	$(SF)/package-lock.json $(SF)/next.config.ts $(SF)/tsconfig.json
# Extra Playwright arguments, e.g. STOREFRONT_E2E_ARGS="--grep journey".
STOREFRONT_E2E_ARGS ?=
# The e2e stack binds :3000 and :4000-4009: a private network namespace keeps it apart from
# any other stack on the machine, and a private PID namespace ends every process it started
# when the run ends, pass or fail (root; add -r for other users).
NETNS ?= unshare --net --pid --kill-child --mount-proc

# Node >= 18.18 for Next.js 15: Debian 12's own nodejs (18.19) when there is no Node at all.
storefront-node:
	@command -v npm >/dev/null || { echo "installing nodejs and npm"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>18||(a===18&&b>=18)?0:1)' || \
		{ echo "the storefront needs Node >= 18.18 (found $$(node --version))"; exit 1; }

# `npm ci` once per package-lock.json: its node_modules is kept as a tar keyed by the lock's
# hash, and a fresh clone with the same lock unpacks it in seconds instead of installing.
NODE_MODULES_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/shopgraph/storefront-node-modules

$(SF)/node_modules/.package-lock.json: $(SF)/package-lock.json | storefront-node
	@set -e; key=$$(sha256sum $(SF)/package-lock.json | cut -c1-16); \
	archive=$(NODE_MODULES_CACHE)/$$key.tar; \
	if [ -f "$$archive" ]; then \
		echo "storefront: node_modules of this package-lock.json from $$archive"; \
		rm -rf $(SF)/node_modules; tar -C $(SF) -xf "$$archive"; \
	else \
		echo "cd $(SF) && npm ci --no-audit --no-fund --include=dev"; \
		(cd $(SF) && npm ci --no-audit --no-fund --include=dev); \
		mkdir -p $(NODE_MODULES_CACHE); \
		tar -C $(SF) -cf "$$archive.$$$$" node_modules && mv "$$archive.$$$$" "$$archive"; \
	fi; \
	touch $@

storefront-install: $(SF)/node_modules/.package-lock.json

# Playwright drives Debian's Chromium: Playwright's own browser download is not used.
storefront-chromium:
	@command -v chromium >/dev/null || { echo "installing chromium"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

$(SF)/.next/BUILD_ID: $(SF)/node_modules/.package-lock.json $(SF_BUILD_INPUTS)
	cd $(SF) && NEXT_TELEMETRY_DISABLED=1 npm run build

storefront-build: storefront-install
	cd $(SF) && NEXT_TELEMETRY_DISABLED=1 npm run build

storefront: storefront-install
	cd $(SF) && NEXT_TELEMETRY_DISABLED=1 npm run dev

# Everything test-storefront needs installed and built (make test asks for it up front).
storefront-ready: storefront-chromium $(SF)/.next/BUILD_ID

# Unit tests (vitest), then Playwright against a fresh `make dev` stack (started by
# playwright.config.ts) in Chromium; screenshots land in storefront/test-results/.
test-storefront: $(STAMP) storefront-ready
	cd $(SF) && npm test
	cd $(SF) && $(NETNS) bash -c 'ip link set lo up && NEXT_TELEMETRY_DISABLED=1 npx playwright test $(STOREFRONT_E2E_ARGS)'

lint-storefront: storefront-install
	cd $(SF) && npm run lint && npm run typecheck && npm run codegen:check && \
		npm run persisted-manifest:check
