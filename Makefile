# Two commands on a fresh machine with Python 3.11+ and make:
#   make run   - set up, migrate, seed the demo (if empty) and serve on http://127.0.0.1:8000
#   make test  - set up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test install compile lint schema bench-seed clean fuzz-readpath

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Bytecode written up front: with PYTHONDONTWRITEBYTECODE set (as on our machines) every start,
# and each --workers process, would compile the project again (about a second each).
compile: install
	@$(BIN)/python -m compileall -q server schema policies admin

run: install compile
	$(BIN)/pmo db upgrade
	$(BIN)/pmo seed --demo --if-empty
	$(BIN)/pmo serve

# Every core: each xdist worker has its own PostgreSQL database (tests/conftest.py).
PYTEST_ARGS ?= -n auto

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The read-path differential suite at length: random queries through the compiled and the
# standard path for every role on SQLite and PostgreSQL (make test runs 150 fixed examples).
PMO_READPATH_EXAMPLES ?= 2000
FUZZ_ARGS ?=
fuzz-readpath: install
	PMO_READPATH_EXAMPLES=$(PMO_READPATH_EXAMPLES) $(BIN)/pytest -p no:xdist tests/schema/readpath \
		-k random_queries --hypothesis-show-statistics $(FUZZ_ARGS)

lint: install
	$(BIN)/ruff check server schema policies admin tests bench

schema: install
	$(BIN)/pmo schema export

bench-seed: install
	$(BIN)/python bench/seed_bench.py 100

# Load: our server (1 and 2 workers) against PostGraphile 5 on PostgreSQL, plus SQLite, the SQL
# floor, project detail, the BI page at scale 100 and writes (bench/load.py; about 8 minutes).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); installs wrk and, outside the
# repository, PostGraphile. BENCH_ARGS passes options, e.g. BENCH_ARGS='--rev HEAD'.
.PHONY: bench bench-ci
BENCH_ARGS ?=

bench: install
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# Bounded (about 2 minutes): 3 s runs, one round, the BI page at scale 10; PostGraphile is
# skipped with a message when it cannot be installed.
bench-ci: install
	$(BIN)/python bench/load.py --duration 3 --warmup 2 --rounds 1 --bi-scale 10 \
		--postgraphile auto $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
