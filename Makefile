# prospects: a ranked shortlist of people for informational interviews.
# Every recipe is a line or two that also works without make (`make -n TARGET` prints it).
.DEFAULT_GOAL := help
SHELL := /bin/bash

EXPORT ?=
ALUMNI ?=
TARGETS ?=
CONFIG ?=
OUT ?= out/shortlist.xlsx
SIZES ?= small real large
PYTHON ?= python3
# uv from PATH, else a private copy in .tools/ (works on "externally managed" system Pythons).
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := $(or $(UV_PROJECT_ENVIRONMENT),.venv)
# Paths go to the recipes through the environment, never pasted into a shell line, so spaces,
# parentheses and quotes in them ("Basic_LinkedInDataExport_11-28-2026 (1).zip") stay intact.
export EXPORT ALUMNI TARGETS CONFIG OUT

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

runtime: $(UV) ## Install only what the tool needs to run into .venv (make shortlist does it)
	$(UV) sync --locked --no-dev --inexact

install: $(UV) ## Install the tool and the dev tools (tests, lint) into .venv
	$(UV) sync --locked --inexact

shortlist: runtime ## Rank people: make shortlist [EXPORT=zip|csv|dir] [ALUMNI="a.xlsx b.xlsx"] [TARGETS=xlsx] [CONFIG=toml] [OUT=xlsx]
	@$(VENV)/bin/python scripts/make_shortlist.py

test: install ## Run the whole test suite (notebooks and pipeline/'s doctests included)
	$(UV) run --locked pytest

lint: install ## Check style (ruff), types (mypy) and the import layers (lint-imports)
	$(UV) run --locked ruff check . && $(UV) run --locked ruff format --check .
	$(UV) run --locked mypy
	$(UV) run --locked lint-imports --no-cache

notebooks: $(UV) ## Run the notebooks and write their rendered output to out/notebooks/
	$(UV) run --locked --group notebooks python notebooks/render.py out/notebooks

lab: $(UV) ## Open the notebooks in JupyterLab (right-click a .py file, Open With, Notebook)
	$(UV) run --locked --group notebooks jupyter lab notebooks/

bench: $(UV) ## Benchmark every stage and write benchmarks/results.md: make bench [SIZES="small real large"]
	$(UV) run --locked python benchmarks/run.py --sizes $(SIZES)

bench-check: $(UV) ## Fail if a stage on the sample is over 2x slower than in benchmarks/results.md
	$(UV) run --locked python benchmarks/check.py

clean: ## Remove the virtual environments, caches and outputs
	rm -rf .venv .tools out .pytest_cache .ruff_cache .hypothesis build *.egg-info

.PHONY: help runtime install shortlist test lint notebooks lab bench bench-check clean
