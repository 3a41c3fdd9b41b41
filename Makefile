# Start Well portal: `make run` starts the site with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup messages lint format benchmark clean

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed messages

# The translations' .mo files are built from the .po files (locale/), not kept in git.
messages: $(VENV)/.installed
	scripts/ensure-gettext
	$(BIN)/python manage.py compilemessages --verbosity 0 --ignore .venv --ignore node_modules

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) scripts/run-dev

test: setup node_modules/.installed
	scripts/ensure-chromium
	scripts/test

# By hand only (it takes several minutes and both cores): see scripts/benchmark.py.
benchmark: setup
	scripts/ensure-wrk
	$(BIN)/python scripts/benchmark.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .test-db.sqlite3* .test-media
	find locale -name '*.mo' -delete
