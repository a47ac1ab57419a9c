#!/usr/bin/env bash
# The audit figures of docs/benchmark.md, against the platform eng/run.sh started: files at RATE per
# second for DURATION seconds (default 200/s for 30 s) with the load generator, then prints the
# sealing lag of every event of that run, the replay time of a 1,000-event complaint at a version,
# and the offline verification throughput of the run's export.
# usage: eng/audit-bench.sh [--rate 200] [--duration 30] [--events 1000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=200 duration=30 events=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;; --duration) duration="$2"; shift 2 ;; --events) events="$2"; shift 2 ;;
    *) echo "usage: eng/audit-bench.sh [--rate N] [--duration S] [--events N]" >&2; exit 2 ;;
  esac
done
eval "$("$ROOT/eng/infra.sh" env)"
dotnet build "$ROOT/tools/Complaints.LoadTest" -c Release -nologo -v q >/dev/null
dotnet build "$ROOT/tools/Complaints.AuditBench" -c Release -nologo -v q >/dev/null
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
dotnet "$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll" --rate "$rate" --duration "$duration"
dotnet "$ROOT/tools/Complaints.AuditBench/bin/Release/net10.0/complaints-audit-bench.dll" --since "$since" --events "$events"
