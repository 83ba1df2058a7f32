#!/usr/bin/env bash
# Backfill touchstone_nightly over three nights with `airflow backfill create`, executed by a real
# scheduler (`airflow standalone`), then check that each scored date was published with the standard
# version in force on it. Uses its own Airflow home and data folder under data/; needs `make setup`.
#
#   bash scripts/airflow_backfill_demo.sh
#
# The nightly run at 02:00 on day D scores D-1. The window is by time: --to-date 2026-10-03 (midnight)
# takes the runs at 02:00 on 2026-09-30, 10-01 and 10-02, which score 2026-09-29..2026-10-01:
# eu_core 1.0 for the September days, 2.0 from 2026-10-01. SQLite takes one writer at a time, so the
# backfill is created before the scheduler starts, while the DAG is paused (its runs wait); the DAG is
# unpaused once the API server, which tasks report to, answers. The scheduler may then also start the
# latest nightly run, which this script ignores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.venv/bin"
export PATH="$bin:$PATH"  # standalone starts its components as `airflow`
export AIRFLOW_HOME="$root/data/airflow-backfill-demo"
export TOUCHSTONE_DATA_DIR="$root/data/backfill-demo"
export AIRFLOW__CORE__DAGS_FOLDER="$root/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__API__PORT="${AIRFLOW_DEMO_PORT:-28080}"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:$AIRFLOW__API__PORT/execution/"
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
if "$bin/python" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('localhost', int(sys.argv[1]))) != 0)" "$AIRFLOW__API__PORT"; then
  echo "port $AIRFLOW__API__PORT is in use (an Airflow left running?); set AIRFLOW_DEMO_PORT"; exit 1
fi
rm -rf "$AIRFLOW_HOME" "$TOUCHSTONE_DATA_DIR"
mkdir -p "$AIRFLOW_HOME"

"$bin/airflow" db migrate > "$AIRFLOW_HOME/db-migrate.log" 2>&1
for day in 2026-09-29 2026-09-30 2026-10-01; do
  "$bin/touchstone" generate --date "$day" -n 25 > /dev/null
done

"$bin/airflow" dags reserialize > "$AIRFLOW_HOME/reserialize.log" 2>&1
"$bin/airflow" backfill create --dag-id touchstone_nightly --from-date 2026-09-30 --to-date 2026-10-03 --reprocess-behavior completed

echo "starting airflow standalone (log: $AIRFLOW_HOME/standalone.log)"
"$bin/airflow" standalone > "$AIRFLOW_HOME/standalone.log" 2>&1 &
standalone=$!
trap 'kill "$standalone" 2>/dev/null; wait "$standalone" 2>/dev/null || true' EXIT

deadline=$((SECONDS + 420))
until curl -sf "http://localhost:$AIRFLOW__API__PORT/api/v2/monitor/health" > /dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || { echo "the API server did not start"; tail -n 40 "$AIRFLOW_HOME/standalone.log"; exit 1; }
  sleep 3
done
until "$bin/airflow" dags unpause touchstone_nightly > /dev/null 2>&1; do sleep 2; done  # retried on "database is locked"

until [ "$("$bin/airflow" dags list-runs touchstone_nightly --state success -o plain 2>/dev/null | grep -c backfill || true)" -ge 3 ]; do
  if "$bin/airflow" dags list-runs touchstone_nightly --state failed -o plain 2>/dev/null | grep -q backfill; then
    echo "a backfill run failed"; "$bin/airflow" dags list-runs touchstone_nightly -o plain; exit 1
  fi
  [ "$SECONDS" -lt "$deadline" ] || { echo "the backfill did not finish in time"; "$bin/airflow" dags list-runs touchstone_nightly -o plain; exit 1; }
  sleep 10
done
"$bin/airflow" dags list-runs touchstone_nightly -o plain

"$bin/python" - <<'PY'
from datetime import date
from touchstone.settings import Settings
from warehouse.store import read_table

expected = {"2026-09-29": "1.0", "2026-09-30": "1.0", "2026-10-01": "2.0"}
warehouse = Settings.from_env().warehouse_dir
for day, version in expected.items():
    scores = read_table(warehouse, "interaction_scores", date.fromisoformat(day))
    got = set(scores.standard_version)
    assert got == {version} and len(scores) == 25, (day, got, len(scores))
    print(f"{day}: {len(scores)} interactions scored with eu_core@{version} by {scores.run_id.iloc[0]}")
print("backfill through the Airflow scheduler: OK")
PY
