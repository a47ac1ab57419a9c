#!/usr/bin/env bash
# The performance figures of docs/benchmark.md, rerunnable by any engineer on any machine:
#   1. PostgreSQL's own single-row jsonb insert rate (pgbench, 8 clients, 10 s) in this run, as the
#      yardstick: the machine's noise moves both, so the ratio is what compares across runs;
#   2. the platform (all four services, the relay, token checks, encryption) warmed up, then the load
#      generator at each offered rate, with CPU per complaint from eng/cpu-profile.sh;
#   3. the end-to-end rate as a share of PostgreSQL's.
# usage: eng/benchmark.sh [--fresh] [--rates "50 200"] [--duration 20]
#   --fresh   drop the development event store first (every complaint filed so far is lost)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRESH=false RATES="50 200" DURATION=20
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) FRESH=true ;; --rates) RATES="$2"; shift ;; --duration) DURATION="$2"; shift ;;
    *) echo "usage: $0 [--fresh] [--rates \"50 200\"] [--duration 20]" >&2; exit 2 ;;
  esac
  shift
done

PLATFORM_SERVICES="identity intake routing resolution followup relay"
. "$ROOT/eng/lib/platform-up.sh"
PSQL=(psql "$COMPLAINTS_PG_URL" -qtA)

echo "== PostgreSQL alone: single-row jsonb inserts, 8 clients, 10 s =="
"${PSQL[@]}" -c "create table if not exists bench_insert (id bigserial primary key, data jsonb not null)"
echo "insert into bench_insert (data) values ('{\"kind\":\"bench\",\"n\":1}');" > "${TMPDIR:-/tmp}/bench-insert.sql"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
pg_rate=$("$PG_BIN/pgbench" -n -c 8 -j 2 -T 10 -f "${TMPDIR:-/tmp}/bench-insert.sql" "$COMPLAINTS_PG_URL" 2>/dev/null \
  | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
"${PSQL[@]}" -c "drop table bench_insert"
echo "PostgreSQL single-row inserts: ${pg_rate} /s"

if $FRESH; then platform_fresh_store; fi
platform_build
platform_start

echo "== Warm-up (JIT, pools, caches): 30/s for 90 s =="
"${LOAD[@]}" --rate 30 --duration 90 > /dev/null || true
for rate in $RATES; do
  echo "== Offered ${rate}/s for ${DURATION} s =="
  SETTLE=10 "$ROOT/eng/cpu-profile.sh" --rate "$rate" --duration "$DURATION" --concurrency 64
  assigned=$(sed -n 's/^  throughput \([0-9.]*\)\/s (first filed.*/\1/p' "${TMPDIR:-/tmp}/cpu-profile-load.txt" | head -1)
  [ -n "$assigned" ] && awk -v a="$assigned" -v p="$pg_rate" 'BEGIN { printf "filed and assigned %.1f/s = %.4f x PostgreSQL single-row inserts (aim: 0.05)\n", a, a / p }'
done
