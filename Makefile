# The two commands: `make run` and `make test`. Everything else is a helper.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help setup train run test test-fast lint bench rasa-data clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## set up .venv-rasa (Python 3.10, Rasa) and .venv (Python 3.11+, bot) when their requirements changed
	@bash scripts/setup.sh all

train: setup ## train the Rasa model when its data changed
	@bash scripts/train.sh

run: ## set up, train if needed, and start Rasa :5005, actions :5055, web :8000 (Ctrl-C stops all)
	@bash scripts/run.sh

test: setup ## the whole suite: lint, types, scenarios, unit, actions, Rasa data and stories, integration
	@bash scripts/setup.sh browser
	@bash scripts/train.sh
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m bot scenarios validate
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: ## only the tests that need no models and no Rasa (milliseconds)
	$(PY) -m pytest -m "not models and not rasa and not browser" -q

lint: ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m mypy

rasa-data: ## regenerate data/nlu/generated_*.yml from scenarios and skill examples
	$(PY) -m bot rasa-data

bench: setup ## benchmarks; results go to docs/benchmarks.md
	$(PY) -m bench
	$(PY) -m bench.playtests

clean: ## remove trained models, local databases and caches (keeps the environments)
	rm -rf models/*.tar.gz models/.trained var/*.db .pytest_cache .mypy_cache .ruff_cache
