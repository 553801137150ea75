# Parley: `make run` serves the site with demo content and a grading worker;
# `make test` runs the suite. Both create .venv with Python 3.12 when needed.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test faults cluster worker install migrate demo lint bench bench-full bench-peer clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "Parley needs Python 3.12: install it, or run make PYTHON=/path/to/python3.12"' 
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

# gunicorn and the grading worker, supervised (config/run.py): a worker that exits is restarted.
# PARLEY_PORT (8000) and PARLEY_HOST (127.0.0.1) say where it serves. Production's settings (DEBUG off,
# the installation's secret key in var/secret_key) with the demo; `prepare` collects the static files
# and loads the demo under them.
run: migrate
	$(PY) -m config.run prepare
	$(PY) -m config.run

worker: install
	$(VENV)/bin/celery -A config worker -B -Q grading,default --loglevel INFO

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Fault tests at full size (docs/reliability.md): a worker SIGKILLed twice in a
# batch of PARLEY_FAULT_BATCH attempts, the broker down while learners submit,
# database connections dropped under a stream of writes (PostgreSQL), 8 threads x 300
# submissions against `make run`'s own setup.
PARLEY_FAULT_BATCH ?= 500
faults: install
	PARLEY_FAULTS=1 PARLEY_FAULT_BATCH=$(PARLEY_FAULT_BATCH) $(PY) -m pytest tests/faults $(PYTEST_ARGS)

# Two web hosts (gunicorn) and two workers, each in its own network namespace, on PostgreSQL and Redis;
# one web host and one worker SIGKILLed mid-load (tests/faults/test_cluster.py, docs/reliability.md).
# Namespaces need root; without them the hosts are loopback addresses. pytest-django makes and drops
# the database test_parley_cluster; Redis dbs 7 and 8 are flushed.
PARLEY_CLUSTER_DB ?= postgres://postgres@127.0.0.1:5432/parley_cluster
cluster: install
	DATABASE_URL=$(PARLEY_CLUSTER_DB) PARLEY_FAULTS=1 $(PY) -m pytest tests/faults/test_cluster.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: install
	$(PY) -m bench.run --quick

bench-full: install
	$(PY) -m bench.run --full

# Course and lesson pages against the peer wagtail-lms (bench/peer.py; its own venv under var/peer).
bench-peer: install
	$(PY) -m bench.peer $(PEER_ARGS)

clean:
	rm -rf var/test.sqlite3 var/test-broker var/test-cache .pytest_cache
