#!/usr/bin/env bash
# Fault drill: files complaints under load while it crashes every service and the leading relay
# replica (the standby must take over) with
# SIGKILL (eng/run.sh's supervisor starts each again, as Kubernetes would), stops and starts
# RabbitMQ, restarts PostgreSQL, and crashes a service while the broker is down and another while
# PostgreSQL is down, so each starts again during the outage; then checks
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
COMPLAINTS_TELEMETRY=off bash "$ROOT/eng/run.sh" > "$ROOT/.local/drill-run.log" 2>&1 || { tail -30 "$ROOT/.local/drill-run.log"; exit 1; }
eval "$("$ROOT/eng/infra.sh" env)"

log "filing $RATE/s for $DURATION s while the faults happen"
dotnet "$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll" --drill \
  --rate "$RATE" --duration "$DURATION" --concurrency 32 --assign-timeout 240 > "$ROOT/.local/drill-load.log" 2>&1 &
load=$!

# Nine faults spread over the filing window, each while complaints keep coming.
step=$(( DURATION / 12 )); [ "$step" -ge 2 ] || step=2
pid_of() { cat "$ROOT/.local/services/$1.pid" 2>/dev/null || true; }
# SIGKILL, then wait for the supervisor to have started a new process.
kill_and_restarted() {
  local before; before="$(pid_of "$1")"
  log "SIGKILL $1"; bash "$ROOT/eng/run.sh" kill "$1"
  for _ in $(seq 1 100); do [ -n "$(pid_of "$1")" ] && [ "$(pid_of "$1")" != "$before" ] && break; sleep 0.1; done
  [ "$(pid_of "$1")" != "$before" ] || { log "FAILED: $1 was not started again"; exit 1; }
  log "$1 started again by its supervisor"
}
crash() { sleep "$step"; kill_and_restarted "$1"; }
# The relay replica that leads (its log's latest word on leading says so) is killed: the standby must
# take over within seconds, and the load generator finds every complaint assigned all the same.
leading_relay() {
  local replica last
  for replica in relay relay-b; do
    last="$(grep -hoE 'This relay replica (leads|lost the relay lock)|exited with status' "$ROOT/.local/services/$replica.log" | tail -n 1)"
    [ "$last" = "This relay replica leads" ] && { echo "$replica"; return 0; }
  done
  return 1
}
crash_leading_relay() {
  sleep "$step"
  local leader standby taken=false
  leader="$(leading_relay)" || { log "FAILED: no relay replica leads"; exit 1; }
  standby=relay; [ "$leader" = relay ] && standby=relay-b
  local before; before="$(grep -c 'This relay replica leads' "$ROOT/.local/services/$standby.log" || true)"
  kill_and_restarted "$leader"
  for _ in $(seq 1 300); do
    [ "$(grep -c 'This relay replica leads' "$ROOT/.local/services/$standby.log" || true)" -gt "$before" ] && { taken=true; break; }
    sleep 0.1
  done
  $taken || { log "FAILED: $standby did not take over from $leader within 30 s"; exit 1; }
  log "relay: $leader (leading) killed, $standby took over"
}
outage() { sleep "$step"; log "stopping $1"; "$ROOT/eng/infra.sh" "stop-$1"; sleep 5; log "starting $1"; "$ROOT/eng/infra.sh" up > /dev/null 2>&1; }
# A service that starts while a dependency is down must wait for it (not ready meanwhile), not exit.
crash_during_outage() {
  sleep "$step"; log "stopping $2"; "$ROOT/eng/infra.sh" "stop-$2"
  kill_and_restarted "$1"; sleep 8
  log "starting $2"; "$ROOT/eng/infra.sh" up > /dev/null 2>&1
}
crash routing
crash_leading_relay
outage postgres
crash intake
outage rabbitmq
crash_during_outage routing rabbitmq
crash followup
crash_during_outage resolution postgres
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
# Every service answers its health check at the end: none exited for good.
# (Given a minute: the last one was killed moments ago, and a readiness check may meet a connection
# PostgreSQL closed when it restarted.)
healthy=false
for _ in $(seq 1 60); do "${CLI[@]}" health > /dev/null 2>&1 && { healthy=true; break; }; sleep 1; done
"${CLI[@]}" health || true
$healthy || { log "FAILED: a service is not healthy a minute after the drill"; status=1; }
[ "$status" -eq 0 ] && log "passed: every acknowledged complaint assigned once, only retryable statuses, no dead letters" || log "FAILED (see above; service logs in .local/services/)"
exit "$status"
