# Sourced by eng/benchmark.sh and eng/count-work.sh: brings PostgreSQL and RabbitMQ up, reads their
# settings, builds, and starts the platform (as eng/run.sh does, without its demo) unless it already
# answers its health checks. Sets CLI and LOAD (the command-line tool and the load generator).
# Needs ROOT. Set PLATFORM_SERVICES to start other processes than the default ones.
"$ROOT/eng/infra.sh" up > /dev/null
eval "$("$ROOT/eng/infra.sh" env)"
export PGOPTIONS='-c client_min_messages=warning'
PLATFORM_SERVICES="${PLATFORM_SERVICES:-identity intake routing resolution followup relay relay-b}"

# A fresh development event store: the services stopped and the complaints schema dropped (every
# complaint filed so far is lost), so no sweeper catches up on older complaints while a run measures.
platform_fresh_store() {
  echo "== Fresh event store =="
  "$ROOT/eng/run.sh" stop > /dev/null
  psql "$COMPLAINTS_PG_URL" -qtA -c "drop schema if exists complaints cascade"
}

platform_build() { dotnet build "$ROOT/Complaints.sln" -c Release -v quiet -nologo -clp:ErrorsOnly; }

platform_start() {
  CLI=(dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll")
  LOAD=(dotnet "$ROOT/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll")
  if ! "${CLI[@]}" health > /dev/null 2>&1; then
    "$ROOT/eng/run.sh" stop > /dev/null
    for name in $PLATFORM_SERVICES; do "$ROOT/eng/run.sh" start "$name" > /dev/null; done
    for _ in $(seq 1 90); do "${CLI[@]}" health > /dev/null 2>&1 && break; sleep 1; done
  fi
  "${CLI[@]}" health > /dev/null
}
