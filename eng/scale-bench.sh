#!/usr/bin/env bash
# Whether reads stay flat as history grows: for each size, stops the platform, replaces the
# generated history (eng/scale-generate.sh: read models and event streams) with that many
# complaints, starts the platform again (follow-up fills the KPI table and its daily roll-ups from
# the facts; intake's sealer seals the new events), and times the reads people make (complaints read-probe) and the SLA sweeper's
# query. Runs against the platform eng/run.sh started; leaves the last size loaded
# (eng/scale-generate.sh --remove takes it out).
# usage: eng/scale-bench.sh [10000 1000000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 1000000)
eval "$("$ROOT/eng/infra.sh" env)"
export PGOPTIONS='-c client_min_messages=warning'
URL="$COMPLAINTS_PG_URL"
CLI=(dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll")
"${CLI[@]}" health > /dev/null || { echo "start the platform first: eng/run.sh" >&2; exit 1; }

for n in "${SIZES[@]}"; do
  echo "== ${n} complaints of history =="
  # Streams are written with the platform stopped and the relay caught up (complaints generate-streams).
  for _ in $(seq 1 60); do
    [ "$(psql "$URL" -qtAc "select (select coalesce(max(seq_id), 0) from complaints.mt_events) <= (select last_seq_id from complaints.mt_event_progression where name = 'complaint-event-relay:All')")" = t ] && break
    sleep 1
  done
  "$ROOT/eng/run.sh" stop > /dev/null
  "$ROOT/eng/scale-generate.sh" --remove > /dev/null
  "$ROOT/eng/scale-generate.sh" "$n"
  for service in identity intake routing resolution followup relay; do "$ROOT/eng/run.sh" start "$service" > /dev/null; done
  for _ in $(seq 1 300); do "${CLI[@]}" health > /dev/null 2>&1 && break; sleep 1; done
  echo "events in the store: $(psql "$URL" -qtAc 'select count(*) from complaints.mt_events')"
  echo "complaints in the read models: $(psql "$URL" -qtAc 'select count(*) from complaints.kpi_facts')"
  "${CLI[@]}" read-probe --repeats 20
  # The sweeper's query (routing's SlaSweeper): due open cases only, through the deadline index.
  psql "$URL" -qtA -c "explain (analyze, format json) select data from complaints.mt_doc_opencase d
    where mt_immutable_timestamptz(d.data ->> 'NextDeadline') <= now() order by mt_immutable_timestamptz(d.data ->> 'NextDeadline') limit 200" \
    | sed -n 's/.*"Execution Time": \([0-9.]*\).*/SLA sweeper query: \1 ms/p'
done
