# Two entry points a fresh machine needs: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/naql trace examples/haftar --json examples/haftar-trace.json

test: $(STAMP)
	@# The HTML report's browser tests need Debian's headless Chromium and its driver.
	@command -v chromedriver >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) || echo "chromium not installed: browser tests will skip"
	@# The spark backend's tests run Spark in local mode: Java 17 or newer.
	@command -v java >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless) || echo "java not installed: spark tests will skip"
	@# A worker per core (at most four: each Spark module starts its own JVM), whole modules
	@# each, so a module's fixtures are built once; the heavy ones go first (tests/conftest.py).
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src/naql --ignore-missing-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/exara.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
