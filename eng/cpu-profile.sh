#!/usr/bin/env bash
# CPU seconds each part of the platform spends on one load run: runs the load generator with the
# given arguments and prints, per process group, the CPU time used during the run (from /proc),
# counting on for SETTLE seconds (default 15) after it ends, so that the consumers' tail is included,
# and the total CPU per complaint filed, which, unlike latencies, hardly depends on the machine's noise.
# usage: eng/cpu-profile.sh --rate 200 --duration 20
#        LOAD_DLL=/other/build/complaints-load.dll eng/cpu-profile.sh ...   (to compare another build)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOAD_DLL="${LOAD_DLL:-$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll}"
SETTLE="${SETTLE:-15}"
ticks=$(getconf CLK_TCK)
. "$ROOT/eng/lib/cpu-snapshot.sh"
before=$(cpu_snapshot)
dotnet "$LOAD_DLL" "$@" | tee "${TMPDIR:-/tmp}/cpu-profile-load.txt" &
load=$!
# The load generator's own CPU is read just before it exits.
last=""
while kill -0 $load 2>/dev/null; do last=$(cpu_snapshot); sleep 0.5; done
wait $load || true
sleep "$SETTLE"
after=$(cpu_snapshot)
echo "CPU seconds used during the run:"
join <(echo "$before" | sort) <(printf '%s\n%s\n' "$after" "$(echo "$last" | grep load-generator)" | sort -u -k1,1) -a2 -e0 -o 0,1.2,2.2 \
  | awk -v t="$ticks" '{printf "  %-15s %6.1f s\n", $1, ($3-$2)/t}' | tee "${TMPDIR:-/tmp}/cpu-profile-cpu.txt"
filed=$(sed -n 's/^FileComplaint: \([0-9]*\) ok.*/\1/p' "${TMPDIR:-/tmp}/cpu-profile-load.txt")
awk -v n="${filed:-0}" '$1 != "load-generator" {s+=$2} END {if (n > 0) printf "platform CPU per complaint (all but the load generator, incl. %s s settling): %.2f ms\n", "'"$SETTLE"'", s*1000/n}' \
  "${TMPDIR:-/tmp}/cpu-profile-cpu.txt"
