#!/usr/bin/env bash
# Runs every test against real PostgreSQL and RabbitMQ: starts them if needed (eng/infra.sh up),
# hands their settings to the tests through the environment, builds and runs the test suite.
# Extra arguments go to 'dotnet test' (e.g. --filter FullyQualifiedName~Unit).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

"$ROOT/eng/infra.sh" up
eval "$("$ROOT/eng/infra.sh" env)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$ROOT/Complaints.sln" -c Release -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line over all test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
exit "$status"
