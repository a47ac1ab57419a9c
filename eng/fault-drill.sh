#!/usr/bin/env bash
# Fault drill: files complaints under load while it crashes every service and the relay with
# SIGKILL and starts them again, stops and starts RabbitMQ, and restarts PostgreSQL; then checks
# that every complaint acknowledged to a client was triaged and assigned exactly once, with no
# event duplicated, that clients saw only statuses they retry, and that no message ended in an
# error queue. Bounded: rate x duration complaints to loopback, then it stops.
#
#   eng/fault-drill.sh [--rate 20] [--duration 90]      (CI runs the short default)
#   eng/fault-drill.sh --rate 50 --duration 200         (10,000 complaints; docs/benchmark.md)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE=20; DURATION=90
while [ $# -gt 0 ]; do
  case "$1" in --rate) RATE="$2"; shift 2 ;; --duration) DURATION="$2"; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;; esac
done
CLI=(dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll")
log() { printf '[drill] %s %s\n' "$(date +%T)" "$*"; }

log "starting the platform"
# Whatever happens, the services this drill started are stopped at the end.
trap 'bash "$ROOT/eng/run.sh" stop > /dev/null 2>&1 || true' EXIT
mkdir -p "$ROOT/.local"
bash "$ROOT/eng/run.sh" > "$ROOT/.local/drill-run.log" 2>&1 || { tail -30 "$ROOT/.local/drill-run.log"; exit 1; }
eval "$("$ROOT/eng/infra.sh" env)"

log "filing $RATE/s for $DURATION s while the faults happen"
dotnet "$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll" --drill \
  --rate "$RATE" --duration "$DURATION" --concurrency 32 --assign-timeout 240 > "$ROOT/.local/drill-load.log" 2>&1 &
load=$!

# Seven faults spread over the filing window, each while complaints keep coming.
step=$(( DURATION / 10 )); [ "$step" -ge 2 ] || step=2
crash() { sleep "$step"; log "SIGKILL $1"; bash "$ROOT/eng/run.sh" kill "$1"; sleep 2; log "start $1"; bash "$ROOT/eng/run.sh" start "$1"; }
outage() { sleep "$step"; log "stopping $1"; "$ROOT/eng/infra.sh" "stop-$1"; sleep 5; log "starting $1"; "$ROOT/eng/infra.sh" up > /dev/null 2>&1; }
crash routing
crash relay
outage postgres
crash intake
outage rabbitmq
crash followup
crash resolution
log "faults done; waiting for the load generator to check every acknowledged complaint"

status=0
wait "$load" || status=$?
cat "$ROOT/.local/drill-load.log"

# Nothing may be waiting in an error queue: what failed during the faults was retried, not dead-lettered.
errors="$("${CLI[@]}" errors list)"
echo "$errors"
if echo "$errors" | awk '$1 ~ /^[0-9]+$/ && $1 > 0 { found=1 } END { exit !found }'; then
  log "FAILED: messages were dead-lettered during the drill"; status=1
fi
[ "$status" -eq 0 ] && log "passed: every acknowledged complaint assigned once, only retryable statuses, no dead letters" || log "FAILED (see above; service logs in .local/services/)"
exit "$status"
