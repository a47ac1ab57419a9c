#!/usr/bin/env bash
# CPU seconds each part of the platform spends on one load run: runs the load generator with the
# given arguments and prints, per process group, the CPU time used during the run (from /proc).
# usage: eng/cpu-profile.sh --rate 200 --duration 20
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ticks=$(getconf CLK_TCK)
snapshot() {
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ -r /proc/$pid/stat ] || continue
    cmd=$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null || true)
    case "$cmd" in
      *Complaints.Intake.dll*5105*) name=relay ;; *Complaints.Intake.dll*) name=intake ;; *Complaints.Routing.dll*) name=routing ;;
      *Complaints.Resolution.dll*) name=resolution ;; *Complaints.Followup.dll*) name=followup ;;
      *complaints-load.dll*) name=load-generator ;; *postgres*) name=postgresql ;;
      *beam.smp*|*rabbitmq*) name=rabbitmq ;; *) continue ;;
    esac
    read -r -a stat < /proc/$pid/stat || continue
    echo "$name $(( ${stat[13]} + ${stat[14]} ))"
  done | awk '{s[$1]+=$2} END {for (k in s) print k, s[k]}'
}
before=$(snapshot)
dotnet "$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll" "$@" &
load=$!
# The load generator's own CPU is read just before it exits.
last=""
while kill -0 $load 2>/dev/null; do last=$(snapshot); sleep 0.5; done
wait $load || true
after=$(snapshot)
echo "CPU seconds used during the run:"
join <(echo "$before" | sort) <(printf '%s\n%s\n' "$after" "$(echo "$last" | grep load-generator)" | sort -u -k1,1) -a2 -e0 -o 0,1.2,2.2 \
  | awk -v t="$ticks" '{printf "  %-15s %6.1f s\n", $1, ($3-$2)/t}'
