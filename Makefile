# HireLab — the README's commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
GRADING_REQUIREMENTS := $(wildcard sandbox/image/requirements.txt)

.PHONY: help install run test chaos lint services docker postgres redis chromium compose image bench

help:
	@echo "make run    set up a virtualenv, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install everything the tests need (services, grading image) and run them"

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml $(GRADING_REQUIREMENTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,prod]' $(if $(GRADING_REQUIREMENTS),-r $(GRADING_REQUIREMENTS))
	touch $@

# The web server and one grading worker; SANDBOX_BACKEND defaults to the best sandbox available.
run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@backend=$${SANDBOX_BACKEND:-$$(bash scripts/best-sandbox.sh $(PY))}; \
	echo "Grading sandbox: $$backend"; \
	SANDBOX_BACKEND=$$backend $(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "HireLab is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"; \
	SANDBOX_BACKEND=$$backend $(FLASK) run --host $(HOST) --port $(PORT)

# Everything, the fault-injection suite (tests/chaos) included.
test: install services image
	$(MAKE) lint
	$(PY) -m pytest

# Only the fault-injection suite (private PostgreSQL, Redis and dockerd).
chaos: install services image
	$(PY) -m pytest tests/chaos

# mypy: sandbox/ and every operations.py / queries.py (the file list and options: setup.cfg [mypy]).
lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

services: docker postgres redis chromium compose

docker:
	bash scripts/start-docker.sh

postgres:
	bash scripts/start-postgres.sh

redis:
	bash scripts/start-redis.sh

chromium:
	bash scripts/install-chromium.sh

# Debian's docker-compose, for tests/chaos/test_compose.py (the compose deployment run for real).
compose:
	bash scripts/install-compose.sh

image: install docker
	$(PY) -m sandbox.image.build

bench: install services image
	bash scripts/install-wrk.sh
	$(PY) bench/grading_overhead/run.py
