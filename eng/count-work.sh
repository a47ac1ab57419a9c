#!/usr/bin/env bash
# Where a complaint's work goes (issue 24): with the platform running as eng/run.sh starts it, files
# complaints with the load generator and counts, per complaint filed (and assigned), from PostgreSQL
# (pg_stat_statements and pg_stat_database: statements by query, transactions, rows written, stream
# reads), RabbitMQ (its management counters: messages published and delivered) and /proc (CPU ms per
# process). An idle window of the same length is measured first (sweepers, daemon polls, health checks
# and gauges run whether complaints come or not) and reported beside it, so the per-complaint figures
# are the run's minus the idle's. Prints a table; commit it in docs/benchmark.md before and after a change.
# usage: eng/count-work.sh [--rate 50] [--duration 20] [--top 25]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE=50 DURATION=20 TOP=25
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift ;; --duration) DURATION="$2"; shift ;; --top) TOP="$2"; shift ;;
    *) echo "usage: $0 [--rate 50] [--duration 20] [--top 25]" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/eng/infra.sh" up > /dev/null
eval "$("$ROOT/eng/infra.sh" env)"
export PGOPTIONS='-c client_min_messages=warning'
if ! psql "$COMPLAINTS_PG_URL" -qtA -c "select 1 from pg_stat_statements limit 1" > /dev/null 2>&1; then
  echo "PostgreSQL was started before eng/infra.sh loaded pg_stat_statements: eng/run.sh stop && eng/infra.sh down && eng/infra.sh up, then again" >&2
  exit 1
fi
dotnet build "$ROOT/Complaints.sln" -c Release -v quiet -nologo -clp:ErrorsOnly
CLI=(dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll")
if ! "${CLI[@]}" health > /dev/null 2>&1; then
  "$ROOT/eng/run.sh" stop > /dev/null
  for name in identity intake routing resolution followup relay relay-b; do "$ROOT/eng/run.sh" start "$name" > /dev/null; done
  for _ in $(seq 1 90); do "${CLI[@]}" health > /dev/null 2>&1 && break; sleep 1; done
fi
"${CLI[@]}" health > /dev/null
LOAD_DLL="$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll"
echo "== Warm-up (JIT, pools, caches): 30/s for 10 s =="
dotnet "$LOAD_DLL" --rate 30 --duration 10 > /dev/null || true
exec python3 "$ROOT/eng/lib/count_work.py" --root "$ROOT" --rate "$RATE" --duration "$DURATION" --top "$TOP"
