# prospects: a ranked shortlist of people for informational interviews.
# Every recipe is a line or two that also works without make (copy it into a shell).
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

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

install: $(UV) ## Install the tool and its locked dependencies into .venv
	$(UV) sync --locked

shortlist: install ## Rank people: make shortlist [EXPORT=zip|csv|dir] [ALUMNI=xlsx] [TARGETS=xlsx] [CONFIG=toml] [OUT=xlsx]
	$(UV) run --locked prospects shortlist $(EXPORT) $(foreach a,$(ALUMNI),--alumni $(a)) $(if $(TARGETS),--targets $(TARGETS)) $(if $(CONFIG),--config $(CONFIG)) --out $(OUT)

test: install ## Run the whole test suite (notebooks and pipeline/'s doctests included)
	$(UV) run --locked pytest

lint: install ## Check style (ruff), types (mypy) and the import layers (lint-imports)
	$(UV) run --locked ruff check . && $(UV) run --locked ruff format --check .
	$(UV) run --locked mypy
	$(UV) run --locked lint-imports --no-cache

notebooks: install ## Run the notebooks and write their rendered output to out/notebooks/
	$(UV) run --locked --group notebooks python notebooks/render.py out/notebooks

bench: $(UV) ## Benchmark every stage and write benchmarks/results.md: make bench [SIZES="small real large"]
	$(UV) run --locked python benchmarks/run.py --sizes $(SIZES)

bench-check: $(UV) ## Fail if a stage on the sample is over 2x slower than in benchmarks/results.md
	$(UV) run --locked python benchmarks/check.py

clean: ## Remove the virtual environments, caches and outputs
	rm -rf .venv .tools out .pytest_cache .ruff_cache .hypothesis build *.egg-info

.PHONY: help install shortlist test lint notebooks bench bench-check clean
