# osticket-bridge: `make run` serves, `make test` tests; both install what is missing first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BIND   ?= 127.0.0.1:8080
WORKERS ?=

# Real osTicket dumps for the tests, when the reference material sits beside the checkout (see README).
export OSTICKET_REFERENCE_DUMP ?= $(wildcard $(abspath ../shared/osticket/sample-1.18.1.sql))
export OSTICKET_BASELINE_DUMP ?= $(wildcard $(abspath ../shared/osticket/baseline-1.18.1.sql))
export OSTICKET_REFERENCE_110_DUMP ?= $(wildcard $(abspath ../shared/osticket/sample-1.10.4.sql))
export OSTICKET_BASELINE_110_DUMP ?= $(wildcard $(abspath ../shared/osticket/baseline-1.10.4.sql))

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-driver.txt setup.cfg setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-driver.txt >/dev/null 2>&1 \
	  || echo "mysqlclient did not build (apt-get install libmariadb-dev pkg-config, then make clean install); the bridge uses PyMySQL"
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# With OSTICKET_DB_URL: check and serve that database. Without: a throwaway demo MariaDB with demo data.
# Both check the address first: a busy port is one line and a non-zero exit.
run: install
ifdef OSTICKET_DB_URL
	@$(BIN)/osticket-bridge serve --bind $(BIND) $(if $(WORKERS),--workers $(WORKERS))
else
	@$(BIN)/osticket-bridge demo --bind $(BIND) $(if $(WORKERS),--workers $(WORKERS))
endif

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check osticket_bridge tests bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check osticket_bridge tests bench wsgi.py gunicorn.conf.py

# `make bench INSTANCES=2`: throughput with 1, then 2 instances behind HAProxy (as root; bench/instances.py)
bench: install
	$(BIN)/python -m bench $(if $(INSTANCES),--instances $(INSTANCES)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache build dist
