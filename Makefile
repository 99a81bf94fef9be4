# Two commands on a fresh machine with Python 3.11+ and make:
#   make run   - set up, migrate, seed the demo (if empty) and serve on http://127.0.0.1:8000
#   make test  - set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test install lint schema bench-seed clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/pmo db upgrade
	$(BIN)/pmo seed --demo --if-empty
	$(BIN)/pmo serve

# Every core: each xdist worker has its own PostgreSQL database (tests/conftest.py).
PYTEST_ARGS ?= -n auto

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check server schema policies admin tests bench

schema: install
	$(BIN)/pmo schema export

bench-seed: install
	$(BIN)/python bench/seed_bench.py 100

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
