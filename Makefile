# The two commands of the README: `make demo` and `make test`. Both set up from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The sample day that the demo generates and scores; override with `make demo DATE=YYYY-MM-DD`.
DATE   ?= 2026-11-22

# Everything generated lives under data/ (git-ignored), the Airflow home and its SQLite DB included.
export TOUCHSTONE_DATA_DIR             ?= $(CURDIR)/data
export AIRFLOW_HOME                    ?= $(CURDIR)/data/airflow
export AIRFLOW__CORE__DAGS_FOLDER      := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES    := False
export AIRFLOW__CORE__UNIT_TEST_MODE   := False

.PHONY: setup browser demo test benchmark docs docs-build clean

$(BIN)/touchstone: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

setup: $(BIN)/touchstone

# Generate a sample day, score it through Airflow (dag.test on SQLite), print the per-agent table.
demo: setup
	@mkdir -p "$(AIRFLOW_HOME)"
	$(BIN)/airflow db migrate > "$(AIRFLOW_HOME)/db-migrate.log" 2>&1 || (cat "$(AIRFLOW_HOME)/db-migrate.log"; exit 1)
	$(BIN)/touchstone generate --date $(DATE)
	$(BIN)/airflow dags test touchstone_nightly -c '{"date": "$(DATE)"}' > "$(AIRFLOW_HOME)/dags-test.log" 2>&1 \
		|| (tail -n 60 "$(AIRFLOW_HOME)/dags-test.log"; exit 1)
	@echo "Airflow run log: $(AIRFLOW_HOME)/dags-test.log"
	@echo "Delta tables in $(TOUCHSTONE_DATA_DIR)/warehouse: $$(ls "$(TOUCHSTONE_DATA_DIR)/warehouse" | grep -v '^[.]\|checks' | tr '\n' ' ')"
	$(BIN)/touchstone show runs --date $(DATE)
	$(BIN)/touchstone show agents --date $(DATE) --top 15
	@echo "The QA managers' report (open it in a browser): $(TOUCHSTONE_DATA_DIR)/reports/$(DATE).html"

# The report's browser test opens it in headless Chromium (Debian's package), installed here so a
# clean machine has it; TOUCHSTONE_REQUIRE_BROWSER makes the test fail rather than skip without it.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }; }

test: setup browser
	TOUCHSTONE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

# Throughput and memory: 10,000 and 100,000 generated calls and the real dialogues (~20 minutes).
benchmark: setup
	$(BIN)/python scripts/benchmark.py $(ARGS)

# The documentation site (mkdocs.yml, docs/): served with live reload at http://127.0.0.1:8000, or
# built into site/ in strict mode (a broken link, an unknown anchor or a page not in the nav fails).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

docs-build: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf data .venv
