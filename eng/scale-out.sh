#!/usr/bin/env bash
# Two routing and two follow-up instances on one machine (issue 24): on a fresh store, starts the
# platform with routing-b and followup-b beside routing and followup, files complaints at the given
# rate, counts the work per complaint as eng/count-work.sh does (the two instances' CPU summed), and
# checks that nothing was lost or done twice:
#   - every complaint filed was triaged, routed and assigned exactly once (the load generator);
#   - every complaint has its resolution case file, routing open case and follow-up facts, and its
#     facts are folded up to its stream's last event;
#   - no message waits in an error queue.
# Prints the table and the checks; exits non-zero when a check fails.
# usage: eng/scale-out.sh [--rate 30] [--duration 30]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE=30 DURATION=30
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift ;; --duration) DURATION="$2"; shift ;;
    *) echo "usage: $0 [--rate 30] [--duration 30]" >&2; exit 2 ;;
  esac
  shift
done

PLATFORM_SERVICES="identity intake routing routing-b resolution followup followup-b relay relay-b"
. "$ROOT/eng/lib/platform-up.sh"
platform_build
platform_fresh_store
echo "== Two routing and two follow-up instances =="
platform_start
for name in routing-b followup-b; do
  "$ROOT/eng/run.sh" start "$name" > /dev/null
  for _ in $(seq 1 90); do "${CLI[@]}" health "http://127.0.0.1:$([ $name = routing-b ] && echo 5107 || echo 5108)" > /dev/null 2>&1 && break; sleep 1; done
done
echo "== Warm-up: ${RATE}/s for 60 s =="
"${LOAD[@]}" --rate "$RATE" --duration 60 > /dev/null || true
python3 "$ROOT/eng/lib/count_work.py" --root "$ROOT" --rate "$RATE" --duration "$DURATION" --top 0

echo
echo "== Nothing lost, nothing twice =="
q() { psql "$COMPLAINTS_PG_URL" -qtA -c "$1"; }
failed=0
check() { if [ "$2" = "$3" ]; then echo "ok    $1: $2"; else echo "FAIL  $1: $2, expected $3"; failed=1; fi; }
streams=$(q "select count(*) from complaints.mt_streams")
check "complaints filed (streams)" "$streams" "$streams"
check "assigned exactly once" "$(q "select count(*) from (select stream_id from complaints.mt_events where type = 'complaint_assigned' group by stream_id having count(*) = 1) a")" "$streams"
check "resolution case files" "$(q "select count(*) from complaints.mt_doc_casefile")" "$streams"
check "routing open cases" "$(q "select count(*) from complaints.mt_doc_opencase")" "$streams"
check "follow-up facts" "$(q "select count(*) from complaints.mt_doc_complaintfacts")" "$streams"
check "facts folded up to the stream's last event" \
  "$(q "select count(*) from complaints.mt_doc_complaintfacts f join complaints.mt_streams s on s.id = f.id where (f.data ->> 'Version')::bigint = s.version")" "$streams"
errors=$(curl -sf -u "$(python3 -c "import os,urllib.parse as u; m=u.urlparse(os.environ['COMPLAINTS_TEST_RABBITMQ_MANAGEMENT']); print(f'{m.username}:{m.password}')")" \
  "${COMPLAINTS_TEST_RABBITMQ_MANAGEMENT%/}/api/queues/complaints?columns=name,messages" \
  | python3 -c "import json,sys; print(sum(q.get('messages',0) or 0 for q in json.load(sys.stdin) if q['name'].endswith('_error')))")
check "messages in error queues" "$errors" 0
exit $failed
