#!/usr/bin/env bash
# Load benchmark: gunicorn + PostgreSQL on this machine, production settings, Locust on loopback.
# Usage: bench/load/run.sh   (env: SEED=demo|big USERS=50 RUN_TIME=60 WARMUP=30 WORKERS=2*cores+1 PORT=8123 REDIS_URL=)
# Needs: PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) and locust in .venv
# (.venv/bin/uv pip install --python .venv/bin/python --require-hashes -r requirements/bench.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
USERS=${USERS:-50}
RUN_TIME=${RUN_TIME:-60}   # seconds measured
WARMUP=${WARMUP:-30}       # seconds of the same mix, same users, not counted
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}
PORT=${PORT:-8123}
DB=${DB:-tandem_load}
# SETUP=no reuses the database and collected static files of an earlier run in $OUT.
SETUP=${SETUP:-yes}
OUT=${OUT:-$(mktemp -d /tmp/tandem-load.XXXXXX)}

. bench/load/env.sh

if [ "$SETUP" = yes ]; then
  echo "== database $DB (recreated), migrate, collectstatic"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  $PY manage.py collectstatic --no-input -v0
fi
$PY manage.py migrate --no-input -v0
# SEED=big seeds a site with a year of history (bench/load/seed_big.py) instead of the demo.
SEED=${SEED:-demo}
echo "== seed ($SEED)"
if [ "$SEED" = big ]; then
  $PY -m bench.load.seed_big "$OUT/plan.json"
else
  $PY -m bench.load.seed "$OUT/plan.json"
fi

# REDIS_URL (e.g. redis://127.0.0.1:6379/0), when set, is passed on: Redis cache, cached_db sessions.
SESSIONS="database"
if [ -n "${REDIS_URL:-}" ]; then SESSIONS="Redis at $REDIS_URL (cached_db)"; fi
echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT; sessions: $SESSIONS"
.venv/bin/gunicorn bench.load.wsgi:application --preload --bind "127.0.0.1:$PORT" \
  --workers "$WORKERS" --no-control-socket --log-level warning --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.5
done
echo "== locust: $USERS users, $WARMUP s warm-up (not counted), then $RUN_TIME s measured"
TANDEM_LOAD_PLAN="$OUT/plan.json" TANDEM_LOAD_WARMUP="$WARMUP" \
  TANDEM_LOAD_WARMUP_REPORT="$OUT/warmup.json" .venv/bin/locust -f bench/load/locustfile.py \
  --headless --host "http://127.0.0.1:$PORT" --users "$USERS" --spawn-rate "$USERS" \
  --run-time "$((WARMUP + RUN_TIME + 1))s" --csv "$OUT/locust" --only-summary --stop-timeout 5 \
  > "$OUT/locust.log" 2>&1 || true

$PY bench/load/report.py "$OUT/locust_stats.csv"
echo "warm-up (all users arriving at once, not counted above): $(cat "$OUT/warmup.json" 2>/dev/null)"
echo "(raw files in $OUT; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
