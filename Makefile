# IPT Care. The README shows two commands: `make run` and `make test`.
# Everything else here is for developers (`make help`).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup run dev test test-rig test-pgbouncer licenses rig-up rig-down fault drill load lint format typecheck check-deploy bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@scripts/setup.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

setup: $(STAMP) ## Create the virtual environment and install IPT Care with its tools

run: $(STAMP) ## Migrate, load the demo clinic if empty, serve with gunicorn on http://127.0.0.1:$(PORT)
	@PORT=$(PORT) scripts/run.sh

dev: $(STAMP) ## As run, with Django's auto-reloading development server
	@PORT=$(PORT) IPTCARE_DEV_SERVER=1 scripts/run.sh

test: $(STAMP) ## Run the whole test suite (browser tests included)
	@scripts/test.sh

test-rig: $(STAMP) ## The rig's tests: two web processes, two workers, HAProxy, PostgreSQL, Redis
	@scripts/test_rig.sh

test-pgbouncer: $(STAMP) ## The database-heavy apps' tests through PgBouncer in transaction mode
	@scripts/test_pgbouncer.sh

rig-up: $(STAMP) ## Start the multi-process rig (scripts/cluster.sh; RIG_* variables)
	@scripts/cluster.sh start

rig-down: ## Stop the rig
	@scripts/cluster.sh stop

fault: $(STAMP) ## Crash harness: 10,000 portal submits, gunicorn SIGKILLed 20 times (ENGINE=postgres|sqlite)
	$(BIN)/python scripts/fault_harness.py --engine $${ENGINE:-postgres} --submissions $${SUBMISSIONS:-10000} --kills $${KILLS:-20}

load: $(STAMP) ## Locust: 50 users of a clinical day for 10 minutes against the rig (CSV in var/load/)
	@scripts/load.sh

drill: $(STAMP) ## Backup-and-restore drill (ENGINE=postgres|sqlite, PATIENTS=200)
	@scripts/backup_drill.sh $${ENGINE:-postgres}

lint: $(STAMP) ## ruff and the migration check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP) ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy, strict
	$(BIN)/mypy .

check-deploy: $(STAMP) ## Django's deployment checklist against production settings
	@scripts/check_deploy.sh

licenses: $(STAMP) ## Regenerate THIRD_PARTY_LICENSES.md from the installed packages
	$(BIN)/python scripts/third_party_licenses.py

clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) var

bench: $(STAMP) ## Time the staff pages with wrk beside /health and hello-world (PATIENTS=2000; BENCH_DATABASE_URL for PostgreSQL)
	$(BIN)/python bench/run.py --patients $${PATIENTS:-2000}
