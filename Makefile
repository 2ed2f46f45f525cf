# The two commands: `make run` and `make test`. Everything else is a helper.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: help setup lock train run test test-fast lint bench bench-full rasa-data clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## set up .venv-rasa (Python 3.10, Rasa) and .venv (Python 3.11+, bot) when their lock files changed
	@bash scripts/setup.sh all

# Lock files: scripts/setup.sh installs requirements-rasa.lock and requirements-bot.lock (every
# package pinned with its sha256 hashes, installed with --require-hashes --no-deps). `make lock`
# regenerates them with pip-compile (pip-tools, in throwaway venvs under $(LOCK_TOOLS) made from
# the two environments' interpreters) from the loose requirements, requirements-rasa.txt and
# pyproject.toml with its dev and postgres extras. pip-compile keeps the versions a lock file already
# has unless the loose requirements exclude them; `make lock LOCK_ARGS=--upgrade` (or
# LOCK_ARGS="--upgrade-package NAME") moves to the newest allowed.
# torch is left out of requirements-bot.lock on purpose (--unsafe-package torch; its dependencies stay
# in, and pip-compile's "may be rejected" WARNING about it is expected): setup.sh installs
# torch==2.13.0 before the lock, which pip on these machines takes from a local CPU wheel that is not
# on PyPI (PyPI's torch is a multi-GB CUDA build), so there is no hash to pin that holds everywhere.
# The constraint torch==2.13.0 makes pip-compile resolve against that same CPU wheel; the last line
# fails the target if CUDA packages (nvidia-*, triton) got into the lock all the same.
LOCK_TOOLS ?= $(or $(TMPDIR),/tmp)/service-trainer-lock-tools
LOCK_PY310 ?= .venv-rasa/bin/python
LOCK_PY311 ?= .venv/bin/python
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" PYTHONWARNINGS=ignore $(LOCK_TOOLS)/py$(1)/bin/pip-compile --quiet --generate-hashes \
	--strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
LOCK_QUIET = 2>&1 | { grep -v -e "is ignored: it is neither" -e "^\s*$$" || true; }

lock: ## regenerate the hash-pinned requirements-rasa.lock and requirements-bot.lock from the loose requirements
	@set -eo pipefail; for v in 310 311; do \
	  py=$(LOCK_PY310); [ $$v = 311 ] && py=$(LOCK_PY311); tools=$(LOCK_TOOLS)/py$$v; \
	  [ -x $$py ] || { echo "lock: no $$py; run make setup first, or set LOCK_PY$$v=/path/to/python" >&2; exit 2; }; \
	  [ -x $$tools/bin/pip-compile ] || { rm -rf $$tools; "$$(readlink -f $$py)" -m venv $$tools; \
	    $$tools/bin/python -m pip install -q pip==26.3 pip-tools==7.6.2 $(LOCK_QUIET); }; \
	done
	printf 'torch==2.13.0\n' > $(LOCK_TOOLS)/torch-cpu.txt
	set -o pipefail; $(call PIP_COMPILE,310) --allow-unsafe \
	  -o requirements-rasa.lock requirements-rasa.txt $(LOCK_QUIET)
	set -o pipefail; $(call PIP_COMPILE,311) --extra dev --extra postgres \
	  --unsafe-package torch -c $(LOCK_TOOLS)/torch-cpu.txt -o requirements-bot.lock pyproject.toml $(LOCK_QUIET)
	@! grep -Eiq '^(nvidia-|triton=)' requirements-bot.lock || { echo "lock: requirements-bot.lock asks for CUDA packages: torch did not resolve to the CPU wheel" >&2; exit 1; }

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

bench-full: bench ## also the load (50 trainees at once) and start-up (fresh clone, then warm) benchmarks, about 20 min
	$(PY) -m bench.load
	$(PY) -m bench.startup

clean: ## remove trained models, local databases and caches (keeps the environments)
	rm -rf models/*.tar.gz models/.trained models/.rasa-data var/*.db .pytest_cache .mypy_cache .ruff_cache
