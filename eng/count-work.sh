#!/usr/bin/env bash
# Where a complaint's work goes (issue 24): with the platform running as eng/run.sh starts it, files
# complaints with the load generator and counts, per complaint filed (and assigned), from PostgreSQL
# (pg_stat_statements and pg_stat_database: statements by query, transactions, rows written, stream
# reads), RabbitMQ (its management counters: messages published and delivered) and /proc (CPU ms per
# process). An idle window of the same length is measured first (sweepers, daemon polls, health checks
# and gauges run whether complaints come or not) and reported beside it, so the per-complaint figures
# are the run's minus the idle's. Prints a table; commit it in docs/benchmark.md before and after a change.
# usage: eng/count-work.sh [--rate 50] [--duration 20] [--top 25] [--warmup 90] [--fresh]
#   --fresh   drop the development event store first (every complaint filed so far is lost), so
#             that no sweeper is catching up on older complaints while the idle window is measured
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE=50 DURATION=20 TOP=25 WARMUP=90 FRESH=false
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift ;; --duration) DURATION="$2"; shift ;; --top) TOP="$2"; shift ;; --warmup) WARMUP="$2"; shift ;; --fresh) FRESH=true ;;
    *) echo "usage: $0 [--rate 50] [--duration 20] [--top 25] [--warmup 90] [--fresh]" >&2; exit 2 ;;
  esac
  shift
done

. "$ROOT/eng/lib/platform-up.sh"
if ! psql "$COMPLAINTS_PG_URL" -qtA -c "select 1 from pg_stat_statements limit 1" > /dev/null 2>&1; then
  echo "PostgreSQL was started before eng/infra.sh loaded pg_stat_statements: eng/run.sh stop && eng/infra.sh down && eng/infra.sh up, then again" >&2
  exit 1
fi
platform_build
if $FRESH; then platform_fresh_store; fi
platform_start
# Warm-up until the runtime has settled: the JIT recompiles hot code (tiered compilation) for a
# minute or more under load, which is a cost of starting a process, not of a complaint.
echo "== Warm-up (JIT, pools, caches): ${RATE}/s for ${WARMUP} s =="
"${LOAD[@]}" --rate "$RATE" --duration "$WARMUP" > /dev/null || true
exec python3 "$ROOT/eng/lib/count_work.py" --root "$ROOT" --rate "$RATE" --duration "$DURATION" --top "$TOP"
