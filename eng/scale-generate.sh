#!/usr/bin/env bash
# Loads a year of a large call center's history into the read models the platform queries, fast,
# in bulk (one INSERT ... SELECT per table inside PostgreSQL): N complaints filed over the last 365
# days across the teams, categories and agents of teams.json, about two per customer (SCALE-000000...),
# all resolved and closed but the newest OPEN ones, 60% surveyed, 5% with a breached deadline.
# Written: follow-up's ComplaintFacts (KPIs, library), intake's CustomerComplaintRecord (customer
# history), routing's OpenCase (agent cases, team board, SLA sweeper) and resolution's CaseFile
# (queues), then the event stream behind each complaint (complaints generate-streams: binary COPY,
# personal data sealed under a key of each customer's own, the relay moved past them as history
# already published; intake's sealer seals them into the audit chain in the background).
# Run it with the platform stopped (eng/run.sh stop). Rows are tagged (customers SCALE-*), and
# `eng/scale-generate.sh --remove` deletes them again, streams and their audit seals included, which
# leaves a gap that `complaints audit verify` reports: drop the schema for a clean store.
# usage: eng/scale-generate.sh N [--open 200] [--no-streams] | --remove
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$ROOT/eng/infra.sh" env)"
export PGOPTIONS='-c client_min_messages=warning'
URL="$COMPLAINTS_PG_URL"
S=complaints

if [ "${1:-}" = "--remove" ]; then
  psql "$URL" -v ON_ERROR_STOP=1 -q <<SQL
delete from $S.audit_seals where stream_id in (select id from $S.mt_doc_complaintfacts where data->>'CustomerId' like 'SCALE-%');
delete from $S.mt_streams where id in (select id from $S.mt_doc_complaintfacts where data->>'CustomerId' like 'SCALE-%');
delete from $S.mt_doc_customerdatakey where data->>'CustomerId' like 'SCALE-%';
delete from $S.mt_doc_complaintfacts where data->>'CustomerId' like 'SCALE-%';
delete from $S.mt_doc_opencase where data->>'ComplaintNumber' like 'S-%';
delete from $S.mt_doc_casefile where data->>'Scale' = 'true';
delete from $S.mt_doc_customercomplaintrecord where data->>'CustomerId' like 'SCALE-%';
vacuum analyze $S.mt_doc_complaintfacts, $S.mt_doc_opencase, $S.mt_doc_casefile, $S.mt_doc_customercomplaintrecord;
SQL
  echo "removed the generated rows"; exit 0
fi

N="${1:?usage: eng/scale-generate.sh N [--open 200] | --remove}"
OPEN=200
STREAMS=true
shift
while [ $# -gt 0 ]; do
  case "$1" in
    --open) OPEN="$2"; shift 2 ;;
    --no-streams) STREAMS=false; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
started=$(date +%s.%N)
psql "$URL" -v ON_ERROR_STOP=1 -q <<SQL
set work_mem = '256MB';
create temporary table seed as
select g.i,
       gen_random_uuid() as id,
       now() - (g.i::float8 / $N) * interval '365 days' as filed,
       (array['customer-care','customer-care','customer-care','billing','billing','logistics','logistics','after-sales','after-sales','privacy-office'])[1 + g.i % 10] as team,
       (array['general','service_attitude','process_policy','billing_fees','billing_fees','logistics_delivery','logistics_delivery','after_sales_repair','product_quality','privacy_data'])[1 + g.i % 10] as category,
       (array['care-01','care-02','care-03','bill-01','bill-02','log-01','log-02','as-01','as-02','priv-01'])[1 + g.i % 10] as agent,
       'SCALE-' || lpad((g.i % greatest($N / 2, 1))::text, 6, '0') as customer,
       'S-' || lpad(g.i::text, 8, '0') as number,
       g.i < $OPEN as open,
       random() < 0.6 as surveyed,
       random() < 0.05 as breached,
       1 + floor(random() * 5)::int as score
from generate_series(0, $N - 1) as g(i);
begin;
create or replace function pg_temp.ts(t timestamptz) returns text language sql immutable as
  \$\$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') \$\$;

insert into $S.mt_doc_complaintfacts (id, data, mt_last_modified, mt_version, mt_dotnet_type)
select id, jsonb_build_object(
  'Id', id, 'Version', 12, 'ComplaintNumber', number, 'CustomerId', customer, 'SubjectKey', 'order:' || number,
  'FiledAt', pg_temp.ts(filed), 'Team', team, 'Agent', agent, 'Category', category,
  'Kind', case when i % 17 = 0 then 'suggestion' when i % 5 = 1 then 'attitude' else 'transactional' end,
  'Priority', case when i % 9 = 0 then 'high' else 'general' end, 'Nuisance', false,
  'FirstResponseAt', pg_temp.ts(filed + (i % 50) * interval '1 minute'),
  'FirstResolvedAt', case when open then null else pg_temp.ts(filed + (1 + i % 47) * interval '1 hour') end,
  'Resolved', not open,
  'ClosedAt', case when open then null else pg_temp.ts(filed + interval '4 days') end,
  'Escalations', case when breached then 1 else 0 end, 'SlaBreaches', case when breached then 1 else 0 end,
  'BreachedDeadlines', case when breached then '["resolution"]'::jsonb else '[]'::jsonb end,
  'Repeat', i % 23 = 0, 'SecondComplaintOf', null, 'Reopens', case when i % 41 = 0 then 1 else 0 end,
  'Surveyed', surveyed and not open, 'Timeliness', case when surveyed and not open then score else 0 end,
  'Solution', case when surveyed and not open then score else 0 end, 'Attitude', case when surveyed and not open then 5 else 0 end,
  'Nps', case when surveyed and not open then score * 2 else 0 end, 'Satisfied', surveyed and not open and score >= 3,
  'RootCauseCategory', '', 'Whys', '[]'::jsonb, 'ImprovementActions', '[]'::jsonb, 'HasCaseSummary', false,
  'RemedyKind', case when open then '' else 'refund' end, 'RemedyAmount', case when open then 0 else 20 + i % 200 end,
  'RemedyCurrency', case when open then '' else 'CNY' end),
  now(), gen_random_uuid(), 'Complaints.Followup.Facts.ComplaintFacts'
from seed;

insert into $S.mt_doc_customercomplaintrecord (id, data, mt_last_modified, mt_version, mt_dotnet_type)
select id, jsonb_build_object('Id', id, 'Channel', 'phone', 'FiledAt', pg_temp.ts(filed), 'Summary', '', 'IsRepeat', i % 23 = 0,
  'RepeatOf', null, 'CustomerId', customer, 'SubjectKey', 'order:' || number, 'ComplaintNumber', number),
  now(), gen_random_uuid(), 'Complaints.Intake.CustomerHistory.CustomerComplaintRecord'
from seed;

insert into $S.mt_doc_opencase (id, data, mt_last_modified, mt_version, mt_dotnet_type)
select id, jsonb_build_object('Id', id, 'Open', open, 'Team', team, 'Tier', 'agent', 'Emotion', 'dissatisfied', 'Hostile', false,
  'Category', category, 'Nuisance', false, 'Priority', 'general', 'AssignedAt', pg_temp.ts(filed + interval '1 second'),
  'AssigneeId', agent, 'Commitments', '[]'::jsonb, 'NeedsReview', false,
  'NextDeadline', case when open then pg_temp.ts(now() + interval '1 day' + i * interval '1 minute') else null end,
  'DueCommitment', null, 'LoadedAgentId', case when open then agent else null end,
  'ResolutionDue', pg_temp.ts(greatest(filed, now()) + interval '1 day' + i * interval '1 minute'), 'FirstResponded', true, 'LastReopenedAt', null,
  'ComplaintNumber', number, 'HandedBackTasks', '[]'::jsonb, 'FirstResponseDue', pg_temp.ts(filed + interval '1 hour'),
  'OpenStateVersion', 6, 'RegulatoryClocks', '[]'::jsonb, 'HandledRejections', '[]'::jsonb, 'DueRegulatoryClock', null,
  'ResolutionBreached', breached, 'AwaitsFirstResponse', false, 'FirstResponseBreached', false),
  now(), gen_random_uuid(), 'Complaints.Routing.Assignment.OpenCase'
from seed;

insert into $S.mt_doc_casefile (id, data, mt_last_modified, mt_version, mt_dotnet_type)
select id, jsonb_build_object('Id', id, 'Scale', true, 'TracksApprovals', true, 'AwaitingApproval', '[]'::jsonb, 'DecidedRemedies', '[]'::jsonb, 'Team', team, 'Tier', 'agent', 'Complex', false, 'Priority', 'general',
  'Resolved', not open, 'AssignedAt', pg_temp.ts(filed + interval '1 second'), 'AssigneeId', agent,
  'NextDeadline', case when open then pg_temp.ts(now() + interval '1 day' + i * interval '1 minute') else null end,
  'NextUpdateDue', case when open then pg_temp.ts(now() + interval '1 day') else null end,
  'ResolutionDue', pg_temp.ts(greatest(filed, now()) + interval '1 day' + i * interval '1 minute'), 'AssigneeVersion', 4,
  'ResolvedVersion', case when open then 0 else 9 end, 'FirstResponseDue', pg_temp.ts(filed + interval '1 hour'),
  'UpdateClockStart', pg_temp.ts(filed), 'FirstResponseSent', true, 'LastCustomerUpdateAt', null),
  now(), gen_random_uuid(), 'Complaints.Resolution.Queue.CaseFile'
from seed;
commit;
analyze $S.mt_doc_complaintfacts; analyze $S.mt_doc_opencase; analyze $S.mt_doc_casefile; analyze $S.mt_doc_customercomplaintrecord;
SQL
awk -v s="$started" -v e="$(date +%s.%N)" -v n="$N" 'BEGIN { printf "generated %d complaints (4 read models) in %.1f s = %.0f complaints/s\n", n, e - s, n / (e - s) }'
if $STREAMS; then
  Complaints__PersonalData__ActiveKeyId=dev1 Complaints__PersonalData__KeyEncryptionKeys__dev1="$COMPLAINTS_DEV_KEK" \
    dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll" generate-streams
fi
