#!/usr/bin/env bash
# A production-like Airflow stack on this one machine, without Docker: PostgreSQL (metadata DB and
# Celery results), Redis (Celery broker), moto (an S3 endpoint), and Airflow's scheduler,
# dag-processor, API server and two Celery workers, all on 127.0.0.1.
#
#   scripts/stack.sh up               install what is missing, start everything, wait until healthy
#   scripts/stack.sh status           each component and whether it runs
#   scripts/stack.sh down [--purge]   stop everything; --purge also deletes the stack folder
#
# Then `source "$TOUCHSTONE_STACK_DIR/env.sh"` to use it (the venv's airflow and touchstone on PATH,
# AWS_* for the S3 endpoint). All state is under TOUCHSTONE_STACK_DIR (default <repo>/data/stack):
# PostgreSQL's data, the Airflow home, logs/<component>.log and run/<component>.pid. Ports:
# TOUCHSTONE_STACK_PG_PORT (55432), _REDIS_PORT (56379), _S3_PORT (59000), _API_PORT (58080); a
# default that is taken moves up to the next free port, a port set explicitly must be free.
# TOUCHSTONE_STACK_TIMEOUT (180 s) bounds each wait.
#
# The two Celery workers run as if on two machines that share nothing but the object store and the
# database: each has its own folder, workers/<worker>/ (TOUCHSTONE_DATA_DIR, HOME,
# TOUCHSTONE_CACHE_DIR, TMPDIR, AIRFLOW_HOME with its task logs), mode 0700. Run as root, each
# worker runs as its own unprivileged OS user (touchstone-worker1, touchstone-worker2) and the
# scheduler, dag-processor and API server as a third (touchstone-airflow), made with `useradd
# --system` if missing: none can read another's folder. They must be able to read the repository
# and its .venv (every parent folder traversable by others). A run's staging is on the object store
# (TOUCHSTONE_WAREHOUSE_URL, beside the warehouse); the scheduler's TOUCHSTONE_DATA_DIR is the one
# `up` was run with (default <repo>/data).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STACK="${TOUCHSTONE_STACK_DIR:-$ROOT/data/stack}"
case "$STACK" in /*) ;; *) STACK="$PWD/$STACK" ;; esac
LOGS="$STACK/logs"
RUN="$STACK/run"
PGDATA="$STACK/postgres"
TIMEOUT="${TOUCHSTONE_STACK_TIMEOUT:-180}"
COMPONENTS=(postgres redis moto scheduler dag-processor api-server worker1 worker2)
WORKERS="$STACK/workers"
CORE_USER=touchstone-airflow  # the scheduler, dag-processor and API server, when run as root
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Root cannot run PostgreSQL, so as root its commands run as the `postgres` OS user; anyone else
# runs their own server.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_bindir() {
  local dir found=""
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && found="$dir"; done  # the newest
  [ -n "$found" ] && printf '%s\n' "$found"
}

pid_of() { [ -s "$RUN/$1.pid" ] && cat "$RUN/$1.pid"; }

# Every component leads its own process group (setsid), so a live group means something of it runs.
# Zombies do not count: where PID 1 is not an init that reaps orphans, they linger after the exit.
running() {
  local pid
  pid="$(pid_of "$1")" || return 1
  ps -e -o pgid=,pid=,stat= | awk -v g="$pid" '($1 == g || $2 == g) && $3 !~ /^Z/ { found = 1 } END { exit !found }'
}

pg_running() { [ -f "$PGDATA/PG_VERSION" ] && pg_bindir >/dev/null && as_pg "$(pg_bindir)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

# PostgreSQL is asked through pg_ctl, which knows its server even without our pidfile.
component_running() { if [ "$1" = postgres ]; then pg_running; else running "$1"; fi; }

fail_with_log() {  # component, message
  printf '[stack] error: %s: %s\n' "$1" "$2" >&2
  if [ -f "$LOGS/$1.log" ]; then
    printf '[stack] last lines of %s:\n' "$LOGS/$1.log" >&2
    tail -n 40 "$LOGS/$1.log" | sed 's/^/    /' >&2
  fi
  exit 1
}

# Polls `check...` until it succeeds; fails early with the log's tail when the component died.
wait_until() {  # component, check...
  local name="$1" deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    if [ -f "$RUN/$name.pid" ] && ! running "$name"; then fail_with_log "$name" "exited during start-up"; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      "$@" >&2 || true  # once more, with what the check says
      fail_with_log "$name" "not healthy after ${TIMEOUT}s (check: $*)"
    fi
    sleep 2
  done
}

port_free() { "$VENV/bin/python" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }

pick_port() {  # variable name, default port
  local var="$1" port="${!1:-}"
  if [ -n "$port" ]; then
    port_free "$port" || die "$var=$port is in use on 127.0.0.1"
  else
    port="$2"
    until port_free "$port"; do
      port=$((port + 1))
      [ "$port" -lt $(($2 + 50)) ] || die "no free port in $2-$port for $var"
    done
  fi
  printf '%s\n' "$port"
}

install_packages() {
  local missing=()
  pg_bindir >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if is_root; then command -v setfacl >/dev/null || missing+=(acl); fi  # grant_search
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (apt-get)"
    # A cached package list can be too old to find the packages: refresh it only if needed.
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
      $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    } || die "apt-get install ${missing[*]} failed"
    # Where no policy-rc.d forbids it, installing starts the distribution's own services (port 5432,
    # 6379); they are not ours and must not outlive the stack.
    local service
    for service in postgresql redis-server; do
      if [[ " ${missing[*]} " == *" $service "* ]] && [ -x "/etc/init.d/$service" ]; then
        $SUDO "/etc/init.d/$service" stop >/dev/null 2>&1 || true
      fi
    done
    pg_bindir >/dev/null || die "PostgreSQL's initdb is not under /usr/lib/postgresql/*/bin after the install"
  fi

  [ -x "$VENV/bin/airflow" ] || die "no virtualenv with Airflow at $VENV: run 'make setup' first"
  # asyncpg: Airflow 3 opens an async engine on the same postgresql:// URL.
  local imports="import airflow.providers.celery, airflow.providers.amazon, psycopg2, asyncpg, redis, boto3, moto.server"
  if ! "$VENV/bin/python" -c "$imports" 2>/dev/null; then
    log "installing the stack's Python packages (.[stack])"
    (cd "$ROOT" && "$VENV/bin/pip" install --quiet -c constraints.txt -e '.[stack]')
    "$VENV/bin/python" -c "$imports" || die "the stack's Python packages are missing after installing .[stack]"
  fi
}

# Secrets are made once per stack folder and kept: the metadata DB outlives a down/up, and what the
# fernet key encrypted must stay readable.
secrets() {
  if [ ! -s "$STACK/secrets.env" ]; then
    (umask 077; "$VENV/bin/python" - > "$STACK/secrets.env" <<'EOF'
import secrets
from cryptography.fernet import Fernet
print(f"FERNET_KEY={Fernet.generate_key().decode()}")
print(f"JWT_SECRET={secrets.token_urlsafe(64)}")  # under 64 bytes, PyJWT warns on every token
print(f"API_SECRET_KEY={secrets.token_urlsafe(64)}")
print(f"PG_SUPERUSER_PASSWORD={secrets.token_urlsafe(24)}")
EOF
    )
  fi
  # shellcheck disable=SC1091
  . "$STACK/secrets.env"
}

write_env() {  # pg port, redis port, s3 port, api port
  local pg="postgresql+psycopg2://airflow:airflow@127.0.0.1:$1/airflow" s3="http://127.0.0.1:$3"
  local api="http://127.0.0.1:$4"
  local conn="{\"conn_type\": \"aws\", \"login\": \"testing\", \"password\": \"testing\", \"extra\": {\"endpoint_url\": \"$s3\", \"region_name\": \"us-east-1\"}}"
  local -a vars=(
    TOUCHSTONE_STACK_DIR="$STACK"
    TOUCHSTONE_STACK_PG_PORT="$1" TOUCHSTONE_STACK_REDIS_PORT="$2"
    TOUCHSTONE_STACK_S3_PORT="$3" TOUCHSTONE_STACK_API_PORT="$4"
    TOUCHSTONE_DATA_DIR="${TOUCHSTONE_DATA_DIR:-$ROOT/data}"
    AIRFLOW_HOME="$STACK/airflow"
    AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
    AIRFLOW__CORE__LOAD_EXAMPLES=False
    AIRFLOW__CORE__UNIT_TEST_MODE=False
    AIRFLOW__CORE__EXECUTOR=CeleryExecutor
    AIRFLOW__CORE__FERNET_KEY="$FERNET_KEY"
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$pg"
    # Workers reach the metadata DB only through the API server's execution API, with JWTs that the
    # scheduler signs and the API server checks: both need the same secret.
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL="$api/execution/"
    AIRFLOW__API_AUTH__JWT_SECRET="$JWT_SECRET"
    AIRFLOW__API__SECRET_KEY="$API_SECRET_KEY"
    AIRFLOW__API__BASE_URL="$api"
    AIRFLOW__API__HOST=127.0.0.1
    AIRFLOW__API__PORT="$4"
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$STACK/airflow/passwords.json"
    AIRFLOW__CELERY__BROKER_URL="redis://127.0.0.1:$2/0"
    AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql://airflow:airflow@127.0.0.1:$1/airflow"
    # Task slots per worker (TOUCHSTONE_STACK_WORKER_CONCURRENCY; the benchmark gives each of the two
    # "machines" one slot per core it has of this machine's).
    AIRFLOW__CELERY__WORKER_CONCURRENCY="${TOUCHSTONE_STACK_WORKER_CONCURRENCY:-2}"
    # Redis hands a task that runs longer than this to another worker; the default, said explicitly.
    AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT=86400
    # Keeps the Celery worker's name with each result (celery_taskmeta.worker): both workers share
    # this machine's hostname, which is all a task instance records.
    AIRFLOW__CELERY__EXTRA_CELERY_CONFIG='{"result_extended": true}'
    # New DAG files show up within 30 s instead of the default 5 minutes.
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=30
    # A DAG file parsed again every 5 minutes, not every 30 s: on two cores the dag-processor took
    # 8 s of CPU from a 259-s run.
    AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=300
    AIRFLOW_CONN_TOUCHSTONE_S3="$conn"
    AWS_ENDPOINT_URL="$s3" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ALLOW_HTTP=true
  )
  {
    echo "# Written by scripts/stack.sh up; source it to use the stack. Airflow UI/API: $api (admin/admin)."
    printf "export PATH='%s/bin'\"\${PATH:+:\$PATH}\"\n" "$VENV"  # airflow, touchstone: the project's
    local var
    local value q="'" qq="'\\''"
    for var in "${vars[@]}"; do
      value="${var#*=}"
      printf "export %s='%s'\n" "${var%%=*}" "${value//$q/$qq}"
    done
  } > "$STACK/env.sh"
}

# Each component gets its own session, so `down` can stop it with everything it forked.
start_bg() {  # component, command...
  local name="$1"
  shift
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  (cd "$ROOT" && exec setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/$name.pid" "$@" </dev/null >>"$LOGS/$name.log" 2>&1) &
  for _ in $(seq 50); do [ -s "$RUN/$name.pid" ] && return 0; sleep 0.1; done
  fail_with_log "$name" "did not start"
}

is_root() { [ "$(id -u)" = 0 ]; }

# As root: an unprivileged system user (with its own group) of that name, made if missing.
system_user() {  # name
  id -u "$1" >/dev/null 2>&1 && return 0
  log "adding the system user $1"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$1" || die "useradd $1 failed"
}

# AS: the words that run a command as `user` (as root; anyone else runs everything as themselves).
as_user_prefix() {  # user
  AS=()
  if is_root; then AS=(setpriv "--reuid=$1" "--regid=$1" --init-groups --); fi
}

# The folders on the way to the repository and to the venv's own interpreter (a pyenv Python under
# /root, say: a venv links to it) that `user` may not enter.
blocked_folders() {  # user
  as_user_prefix "$1"
  local start dir
  for start in "$ROOT" "$(dirname "$(readlink -f "$VENV/bin/python")")"; do
    dir="$start"
    while [ "$dir" != / ]; do
      "${AS[@]}" test -x "$dir" || printf '%s\n' "$dir"
      dir="$(dirname "$dir")"
    done
  done | sort -u
}

# Let `user` enter (not list) the folders in the way, with an ACL entry for that user alone; `down`
# takes the entries away again ($STACK/acl-grants).
grant_search() {  # user
  local dir
  while read -r dir; do
    [ -n "$dir" ] || continue
    log "letting $1 enter $dir (setfacl -m u:$1:x; 'down' takes it back)"
    setfacl -m "u:$1:x" "$dir" || die "setfacl -m u:$1:x $dir failed: make the folder enterable by others (chmod o+x)"
    printf '%s %s\n' "$1" "$dir" >> "$STACK/acl-grants"
  done < <(blocked_folders "$1")
}

revoke_search() {
  [ -f "$STACK/acl-grants" ] || return 0
  local user dir
  while read -r user dir; do setfacl -x "u:$user" "$dir" 2>/dev/null || true; done < "$STACK/acl-grants"
  rm -f "$STACK/acl-grants"
}

# The users the components run as must run the venv's own interpreter (where they cannot reach it,
# Python starts another with the venv's packages) and read the repository and the DAGs.
check_reachable() {  # user
  as_user_prefix "$1"
  local mine theirs
  mine="$("$VENV/bin/python" -c 'import sys; print(sys.version)')"
  theirs="$("${AS[@]}" "$VENV/bin/python" -c 'import sys, touchstone.settings; print(sys.version)' 2>/dev/null)" || theirs=""
  if [ "$theirs" != "$mine" ] || ! "${AS[@]}" test -r "$ROOT/dags/touchstone_nightly.py"; then
    die "the OS user $1 cannot run $VENV/bin/python ($(readlink -f "$VENV/bin/python")) or read $ROOT: make their folders enterable by others (chmod o+x), or put them where they are"
  fi
}

# A worker's own folder, as another machine's disk: its data, home, caches, temporary files and
# Airflow home (task logs), mode 0700 and its user's, so neither the other worker nor the
# scheduler can read it. Each `up` starts it empty.
worker_folder() {  # n
  local folder="$WORKERS/worker$1"
  rm -rf "$folder"
  mkdir -p "$folder"/data "$folder"/home "$folder"/cache "$folder"/tmp "$folder"/airflow
  if is_root; then chown -R "touchstone-worker$1:touchstone-worker$1" "$folder"; fi
  chmod 700 "$folder"
}

start_worker() {  # n
  local n="$1" folder="$WORKERS/worker$1"
  local -a own=(TOUCHSTONE_DATA_DIR="$folder/data" HOME="$folder/home" TOUCHSTONE_CACHE_DIR="$folder/cache"
    XDG_CACHE_HOME="$folder/home/.cache" TMPDIR="$folder/tmp" AIRFLOW_HOME="$folder/airflow")
  # Warm workers (touchstone/worker.py): the scoring pipelines loaded before Celery forks its pool;
  # TOUCHSTONE_STACK_WARM_WORKERS=0 starts them cold, as Airflow's own configuration does.
  local -a unset=()
  if [ -f "$ROOT/touchstone/worker.py" ] && [ "${TOUCHSTONE_STACK_WARM_WORKERS:-1}" != 0 ]; then
    own+=(AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=touchstone.worker.CELERY_CONFIG)
  else
    unset=(-u AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS)
  fi
  as_user_prefix "touchstone-worker$n"
  # The workers' log servers would bind every interface, one fixed port each: each worker keeps its
  # task logs in its own folder, which nothing else reads (the scheduler needs none of them).
  start_bg "worker$n" env "${unset[@]}" "${own[@]}" "${AS[@]}" "$VENV/bin/airflow" celery worker --celery-hostname "worker$n@%h" \
    --concurrency "$AIRFLOW__CELERY__WORKER_CONCURRENCY" --queues default --skip-serve-logs
}

# `source env.sh` must give the project's airflow, in a shell without the venv.
check_env_sh() {
  local found
  found="$(env -i PATH=/usr/bin:/bin bash -c ". '$STACK/env.sh' && command -v airflow")" || true
  [ "$found" = "$VENV/bin/airflow" ] || die "sourcing $STACK/env.sh gives airflow at '${found:-nowhere}', not $VENV/bin/airflow"
}

start_postgres() {  # port
  local bin
  bin="$(pg_bindir)"
  mkdir -p "$PGDATA"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PGDATA"
    runuser -u postgres -- test -x "$PGDATA" || die "the postgres OS user cannot reach $PGDATA: put TOUCHSTONE_STACK_DIR under folders others may enter (not /root)"
  fi
  chmod 700 "$PGDATA"
  touch "$LOGS/postgres.log"
  [ "$(id -u)" = 0 ] && chown postgres: "$LOGS/postgres.log"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "initdb $PGDATA"
    local pwfile="$PGDATA.pw"
    (umask 077; printf '%s\n' "$PG_SUPERUSER_PASSWORD" > "$pwfile")
    [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
      >> "$LOGS/postgres.log" 2>&1 || { rm -f "$pwfile"; fail_with_log postgres "initdb failed"; }
    rm -f "$pwfile"
    # TCP on loopback only: no socket in /var/run/postgresql, which a distribution cluster may own.
    cat >> "$PGDATA/postgresql.conf" <<'EOF'
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
EOF
  fi
  log "starting PostgreSQL on 127.0.0.1:$1"
  as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -o "-p $1" -w -t "$TIMEOUT" start >/dev/null \
    || fail_with_log postgres "pg_ctl start failed"
  as_pg head -n 1 "$PGDATA/postmaster.pid" > "$RUN/postgres.pid"
  local sql
  sql="$(cat <<'EOF'
SELECT 'CREATE ROLE airflow LOGIN PASSWORD ''airflow''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'airflow')\gexec
SELECT 'CREATE DATABASE airflow OWNER airflow' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'airflow')\gexec
EOF
)"
  PGPASSWORD="$PG_SUPERUSER_PASSWORD" "$bin/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres <<< "$sql" \
    >> "$LOGS/postgres.log" 2>&1 || fail_with_log postgres "creating the airflow role and database failed"
}

start_redis() {  # port
  log "starting Redis on 127.0.0.1:$1"
  mkdir -p "$STACK/redis"
  # No persistence: the broker's queue is scratch, and the stack is thrown away with `down --purge`.
  (cd "$ROOT" && exec setsid redis-server --bind 127.0.0.1 --port "$1" --protected-mode yes --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" --dir "$STACK/redis" --save '' --appendonly no) \
    || fail_with_log redis "redis-server did not start"
  wait_until redis redis-cli -h 127.0.0.1 -p "$1" ping
}

# The health checks, in one place: each exits 0 when healthy, else says why on stderr.
probe() {  # what, args...
  "$VENV/bin/python" -c "$(probe_py)" "$@"
}

probe_py() {
  cat <<'EOF'
import json, os, sys, urllib.request

what, args = sys.argv[1], sys.argv[2:]
base = os.environ.get("AIRFLOW__API__BASE_URL", "")


def get(url, token=None, data=None):
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=5) as response:
        return response.read()


try:
    if what == "http":  # answers at all
        get(args[0])
    elif what == "health":  # needs no login; the scheduler's and dag-processor's heartbeats show there
        status = json.loads(get(f"{base}/api/v2/monitor/health")).get(args[0]) or {}
        if status.get("status") != "healthy":
            sys.exit(f"{args[0]}: {status}")
    elif what == "dags":  # the dag-processor has parsed dags/: some DAG, and no import error
        login = json.dumps({"username": "admin", "password": "admin"}).encode()
        token = json.loads(get(f"{base}/auth/token", data=login))["access_token"]
        errors = json.loads(get(f"{base}/api/v2/importErrors", token))["import_errors"]
        if errors:
            sys.exit("\n".join(f"import error in {e['filename']}:\n{e['stack_trace']}" for e in errors))
        if not json.loads(get(f"{base}/api/v2/dags", token))["total_entries"]:
            sys.exit("no DAG parsed yet")
    elif what == "worker":  # `airflow celery list-workers -o json` on stdin: it answers, on the default queue
        workers = json.loads(sys.stdin.read() or "[]")
        if not any(w["worker_name"].startswith(args[0]) and "default" in w["queues"] for w in workers):
            sys.exit(f"no {args[0]} among the workers: {workers}")
except (OSError, ValueError, KeyError) as exc:
    sys.exit(f"{what} {' '.join(args)}: {exc}")
EOF
}

worker_listed() {  # celery hostname prefix, e.g. worker1@
  "$VENV/bin/airflow" celery list-workers -o json 2>/dev/null | probe worker "$1"
}

start_moto() {  # port
  log "starting moto (S3) on 127.0.0.1:$1"
  start_bg moto "$VENV/bin/moto_server" -H 127.0.0.1 -p "$1"
  wait_until moto probe http "http://127.0.0.1:$1/"
  "$VENV/bin/python" -c 'import boto3; boto3.client("s3").create_bucket(Bucket="touchstone")' >> "$LOGS/moto.log" 2>&1 \
    || fail_with_log moto "creating the bucket touchstone failed"
}

on_failed_up() {
  local status=$?
  [ "$status" = 0 ] && return
  log "up failed: stopping what started (TOUCHSTONE_STACK_KEEP_ON_FAILURE=1 keeps it)"
  cmd_down >/dev/null 2>&1 || true
  exit "$status"
}

cmd_up() {
  local name
  for name in "${COMPONENTS[@]}"; do
    if component_running "$name"; then die "the stack in $STACK is already up ($name runs): 'scripts/stack.sh down' first"; fi
  done
  local started=$SECONDS
  install_packages
  mkdir -p "$STACK" "$LOGS" "$RUN" "$STACK/airflow"
  chmod 755 "$STACK"
  rm -f "$RUN"/*.pid
  # A failed start leaves nothing running (logs stay) unless asked to keep it for a look.
  [ "${TOUCHSTONE_STACK_KEEP_ON_FAILURE:-0}" = 1 ] || trap on_failed_up EXIT

  local pg_port redis_port s3_port api_port
  pg_port="$(pick_port TOUCHSTONE_STACK_PG_PORT 55432)"
  redis_port="$(pick_port TOUCHSTONE_STACK_REDIS_PORT 56379)"
  s3_port="$(pick_port TOUCHSTONE_STACK_S3_PORT 59000)"
  api_port="$(pick_port TOUCHSTONE_STACK_API_PORT 58080)"
  secrets
  write_env "$pg_port" "$redis_port" "$s3_port" "$api_port"
  check_env_sh
  # shellcheck disable=SC1091
  . "$STACK/env.sh"
  printf '{"admin": "admin"}\n' > "$STACK/airflow/passwords.json"

  start_postgres "$pg_port"
  start_redis "$redis_port"
  start_moto "$s3_port"

  log "airflow db migrate (log: $LOGS/db-migrate.log)"
  "$VENV/bin/airflow" db migrate > "$LOGS/db-migrate.log" 2>&1 || fail_with_log db-migrate "airflow db migrate failed"

  local n user
  if is_root; then
    for user in "$CORE_USER" touchstone-worker1 touchstone-worker2; do
      system_user "$user"
      grant_search "$user"
      check_reachable "$user"
    done
    chown -R "$CORE_USER:$CORE_USER" "$STACK/airflow"
  fi
  mkdir -p "$WORKERS"
  chmod 755 "$WORKERS"
  for n in 1 2; do worker_folder "$n"; done

  log "starting the scheduler, dag-processor, API server and two Celery workers"
  as_user_prefix "$CORE_USER"
  local -a core=(env HOME="$STACK/airflow" "${AS[@]}")
  start_bg scheduler "${core[@]}" "$VENV/bin/airflow" scheduler
  start_bg dag-processor "${core[@]}" "$VENV/bin/airflow" dag-processor
  start_bg api-server "${core[@]}" "$VENV/bin/airflow" api-server --host 127.0.0.1 --port "$api_port"
  for n in 1 2; do start_worker "$n"; done

  wait_until api-server probe health metadatabase
  wait_until scheduler probe health scheduler
  wait_until dag-processor probe health dag_processor
  wait_until worker1 worker_listed worker1@
  wait_until worker2 worker_listed worker2@
  wait_until dag-processor probe dags
  trap - EXIT
  log "up in $((SECONDS - started)) s: source $STACK/env.sh; UI and API at $AIRFLOW__API__BASE_URL (admin/admin)"
}

signal_group() {  # signal, component
  local pid
  pid="$(pid_of "$2")" || return 0
  kill "-$1" -- "-$pid" 2>/dev/null || kill "-$1" "$pid" 2>/dev/null || true
}

# TERM to every component given at once, then wait; Celery finishes running tasks on TERM (warm
# shutdown), so whatever still runs after 30 s is killed with its whole process group.
stop_groups() {  # component...
  local name live=() started=$SECONDS
  for name in "$@"; do
    if running "$name"; then live+=("$name"); signal_group TERM "$name"; fi
  done
  [ "${#live[@]}" -gt 0 ] || return 0
  while [ $((SECONDS - started)) -lt 30 ]; do
    local left=0
    for name in "${live[@]}"; do if running "$name"; then left=1; fi; done
    [ "$left" = 1 ] || break
    sleep 0.5
  done
  for name in "${live[@]}"; do
    if running "$name"; then
      log "$name did not stop on TERM: killing it"
      signal_group KILL "$name"
      sleep 0.5
    fi
    running "$name" && die "$name (process group $(pid_of "$name")) is still running"
    rm -f "$RUN/$name.pid"
  done
  log "stopped ${live[*]} in $((SECONDS - started)) s"
}

cmd_down() {
  local purge=0
  case "${1:-}" in --purge) purge=1 ;; "") ;; *) die "usage: $0 down [--purge]" ;; esac
  [ -d "$STACK" ] || { log "nothing to stop: no $STACK"; return 0; }
  # Workers first, while the API server they report task states to still answers.
  stop_groups worker1 worker2
  stop_groups dag-processor api-server scheduler
  stop_groups moto redis
  if pg_running; then
    as_pg "$(pg_bindir)/pg_ctl" -D "$PGDATA" stop -m fast -w -t "$TIMEOUT" >/dev/null
    log "stopped postgres"
  fi
  stop_groups postgres  # by pid too, should pg_ctl not have found its server
  revoke_search
  if [ "$purge" = 1 ]; then
    rm -rf "$STACK"
    log "stopped, and deleted $STACK"
  else
    log "stopped (state and logs kept in $STACK; 'down --purge' deletes them)"
  fi
}

# Exits 0 only when every component runs (3 otherwise, as LSB init scripts do).
cmd_status() {
  [ -d "$STACK" ] || { echo "no stack in $STACK"; return 3; }
  local name all=0
  for name in "${COMPONENTS[@]}"; do
    if component_running "$name"; then
      printf '%-14s running (pid %s)\n' "$name" "$(pid_of "$name" || echo '?')"
    else
      printf '%-14s stopped\n' "$name"
      all=3
    fi
  done
  [ -f "$STACK/env.sh" ] && grep -E '^export (TOUCHSTONE_STACK_[A-Z0-9_]*PORT|AIRFLOW__API__BASE_URL|AWS_ENDPOINT_URL)=' "$STACK/env.sh" | sed 's/^export /  /'
  return "$all"
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  *) echo "usage: $0 up | down [--purge] | status" >&2; exit 2 ;;
esac
