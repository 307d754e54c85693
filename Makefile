# taskanalytics: `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## create .venv and install the package with its dependencies

.PHONY: sysdeps
sysdeps: ## install the CJK font and chromium when missing (apt, as root), else say what to install
	@bash scripts/sysdeps.sh

.PHONY: demo
demo: $(STAMP) sysdeps ## set up, add 示例数据 progress if no real reports, build reports/2023-工作报告/2023Q4/ briefings
	$(VENV)/bin/taskanalytics demo

.PHONY: test
test: $(STAMP) sysdeps ## set up if needed, then run the whole test suite (one worker per core)
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder

.PHONY: test-fast
test-fast: $(STAMP) ## the tests without papermill, nbconvert or chromium (-m "not slow")
	$(PY) -m pytest -m "not slow"

.PHONY: fuzz
fuzz: $(STAMP) ## the parsers' fuzz tests with the long hypothesis profile (minutes; random seed)
	TASKANALYTICS_FUZZ=long $(PY) -m pytest tests/test_fuzz.py -q

.PHONY: lab
lab: $(STAMP) ## open JupyterLab on notebooks/
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: bench
bench: $(STAMP) ## run the benchmarks (prints medians)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

.PHONY: lint
lint: $(STAMP) ## ruff check, format check, and the layer contracts (import-linter)
	$(VENV)/bin/ruff check taskanalytics tests benchmarks
	$(VENV)/bin/ruff format --check taskanalytics tests benchmarks
	$(VENV)/bin/lint-imports --no-cache

.PHONY: clean
clean: ## remove generated reports, failed runs included (never touches data/)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'
