# Passerelle: `make run` starts the whole portal, `make test` runs every check.
# Both install what they need. Variables: PORT, DYNAMODB_PORT, S3_PORT, DATA_DIR, HOST, API_WORKERS, PYTHON.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DYNAMODB_PORT ?= 8070
S3_PORT ?= 8071
DATA_DIR ?= .data
STAGE ?= prod
export PORT DYNAMODB_PORT S3_PORT DATA_DIR PYTHON

.PHONY: help check-host run test lint typecheck unit integration e2e site content requirements package chromium clean bench fuzz deploy deploy-check destroy

help:
	@echo "make run    start the portal at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	@echo "make test   lint, type checks and every test layer"
	@echo "make bench  measure page weight, Lighthouse scores and API latency into devstack/bench/report.md"
	@echo "make deploy STAGE=prod   deploy to AWS (make destroy STAGE=... deletes the stack, keeps the data)"

# ---- installs ----------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	@bash devstack/check-prereqs.sh python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[site,dev,cleaner]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@bash devstack/check-prereqs.sh node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:
	@bash devstack/install-chromium.sh

# ---- build -------------------------------------------------------------------------------
content: $(VENV)/.installed
	$(PY) -m devstack.content
	$(PY) -m devstack.cldr
	$(PY) -m devstack.open_data
	$(PY) -m devstack.notifications

# Recruiters' lists (README, "Recruiters' lists"). With FILE: load a regulator's CSV for COUNTRY into
# content/recruiters.yaml (SOURCE names the publication, PUBLISHED its date); nothing changes unless
# every row is good. Without FILE: check the lists and write the phone's copies to build/recruiters/.
.PHONY: recruiters
recruiters: $(VENV)/.installed
	@if [ -n "$${FILE:-}" ]; then \
		$(PY) -m devstack.recruiters import --file "$$FILE" --country "$${COUNTRY:-}" --source "$${SOURCE:-}" \
			--source-url "$${SOURCE_URL:-}" --published "$${PUBLISHED:-}"; \
	else \
		$(PY) -m devstack.recruiters build; \
	fi

# The search index is cut from the built pages (devstack/search.py); Node segments th, lo, km, my.
site: content
	@bash devstack/check-prereqs.sh node
	$(PY) -m mkdocs build --quiet --strict -f site/mkdocs.yml
	$(PY) -m devstack.search

requirements: $(VENV)/.installed
	$(PY) -m devstack.requirements

# The Lambda bundle and the whole stack: Chalice's template merged with infra/template.yaml, linted.
# The bundle is then slimmed to its 40 MB budget (devstack/api_bundle.py says what goes); the
# evidence cleaner's own bundle is built beside it (devstack/cleaner_bundle.py: it downloads wheels).
package: content
	rm -rf build/package
	cd backend && AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-1} ../$(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template ../infra/template.yaml ../build/package
	$(PY) -m devstack.api_bundle build/package/deployment.zip
	$(PY) -m devstack.cleaner_bundle  # build/cleaner/cleaner.zip, the EvidenceCleaner's CodeUri
	$(VENV)/bin/cfn-lint -- build/package/sam.yaml

# ---- AWS (infra/README.md: what they need, what they cost) ---------------------------------
deploy-check:
	@bash infra/deploy.sh --check

# deploy.sh builds the site itself, for the address the stack gives it.
deploy: deploy-check package
	STAGE=$(STAGE) PYTHON=$(PY) bash infra/deploy.sh

destroy: $(VENV)/.installed
	STAGE=$(STAGE) PYTHON=$(PY) bash infra/destroy.sh

# ---- run ---------------------------------------------------------------------------------
# The address is checked first: a refused HOST builds and starts nothing.
check-host:
	@bash devstack/check-prereqs.sh python
	@$(PYTHON) -m devstack.network

run: check-host $(VENV)/.installed node_modules/.installed site
	@bash devstack/check-prereqs.sh java
	$(PY) -m devstack.run

# ---- checks ------------------------------------------------------------------------------
lint: $(VENV)/.installed
	$(PY) -m ruff check backend devstack infra site/hooks tests
	$(PY) -m ruff format --check backend devstack infra site/hooks tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m devstack.requirements --check

# mypy strict on every Python folder.
MYPY_PATHS := backend/app.py backend/chalicelib devstack infra site/hooks tests
typecheck: $(VENV)/.installed
	$(PY) -m mypy --config-file pyproject.toml $(MYPY_PATHS)

unit: content
	$(PY) -m pytest tests/unit -q

integration: content node_modules/.installed
	$(PY) -m pytest tests/integration -q

e2e: site node_modules/.installed chromium
	$(PY) -m pytest tests/e2e -q

# A longer fuzz pass over every API operation (make test runs 25 examples per operation).
fuzz: content node_modules/.installed
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-400} $(PY) -m pytest tests/integration/test_fuzz.py -q -p no:logging

test: $(VENV)/.installed node_modules/.installed chromium lint typecheck site
	@bash devstack/check-prereqs.sh java
	$(PY) -m pytest tests -n 2 --dist loadgroup

clean:
	rm -rf build backend/chalicelib/data .pytest_cache .mypy_cache .ruff_cache

# ---- benchmarks (a report, not a test: these machines are noisy) --------------------------
devstack/bench/node_modules/.installed: devstack/bench/package.json devstack/bench/package-lock.json
	cd devstack/bench && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: $(VENV)/.installed node_modules/.installed devstack/bench/node_modules/.installed chromium content
	@bash devstack/check-prereqs.sh java
	$(PY) -m devstack.bench
