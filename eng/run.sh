#!/usr/bin/env bash
# Runs the whole platform locally and shows it working:
# starts PostgreSQL and RabbitMQ (eng/infra.sh), builds, starts the four services in the
# background, waits until they answer their gRPC health checks, then files seed 004's bank case
# and takes it through triage, assignment, the agent's work, the customer's decision and the
# follow-up survey, printing its history. The services keep running afterwards.
#
#   eng/run.sh             start everything and run the demo
#   eng/run.sh stop        stop the services (eng/infra.sh down stops PostgreSQL and RabbitMQ)
#   eng/run.sh kill NAME   SIGKILL one (intake, routing, resolution, followup, relay, relay-b): a crash, for
#                          drills; its supervisor starts it again, as Kubernetes restarts a container
#   eng/run.sh start NAME  start one (and its supervisor) if it is not running; routing-b and
#                          followup-b are second instances of routing and follow-up
#
# Telemetry: the services and the desk export OTLP traces, metrics and logs to the Aspire dashboard
# (restored from NuGet, run standalone, no container) at http://127.0.0.1:18888; COMPLAINTS_TELEMETRY=off
# runs without it (the fault drill does, to keep its load figures comparable).
#
# Each service runs under a small supervisor loop that starts it again whenever it exits (after
# 1 s, doubling to 30 s while it keeps exiting within a minute), until `eng/run.sh stop`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.local/services"
# name:project:port; "identity" is the local OpenID Connect issuer of the demo identities
# (eng/dev-identities.json; production uses the company's identity provider). "relay" and
# "relay-b" are the intake binary running the event relay, the sealer and the audit API, as the
# Helm chart deploys them: two replicas, hot-cold (the one holding the relay lock publishes, the
# other takes over when it goes; docs/operations.md), and intake itself runs none. "desk" is the
# staff's web application (docs/desk.md), signing people in at the local issuer.
SERVICES=(identity:Complaints.Identity:5100 intake:Complaints.Intake:5101:5201 routing:Complaints.Routing:5102:5202 resolution:Complaints.Resolution:5103:5203 followup:Complaints.Followup:5104:5204 relay:Complaints.Intake:5105:5205 relay-b:Complaints.Intake:5106:5206 desk:Complaints.Desk:5110)
# Second instances of routing and follow-up, started only on demand (`eng/run.sh start routing-b`),
# as eng/scale-out.sh does to show that two of each lose and duplicate nothing.
SCALE_OUT=(routing-b:Complaints.Routing:5107:5207 followup-b:Complaints.Followup:5108:5208)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

DASHBOARD_VERSION=13.6.5
DASHBOARD_URL=http://127.0.0.1:18888

stop_services() {
  if [ -f "$RUN_DIR/dashboard.pid" ] && kill -0 "$(cat "$RUN_DIR/dashboard.pid")" 2>/dev/null; then
    echo "[run] stopping the telemetry dashboard"; kill "$(cat "$RUN_DIR/dashboard.pid")" || true
  fi
  rm -f "$RUN_DIR/dashboard.pid"
  for entry in "${SERVICES[@]}" "${SCALE_OUT[@]}"; do
    IFS=: read -r name _ _ <<< "$entry"
    # The supervisor first, so it does not start the service again once it is stopped.
    local supervisor="$RUN_DIR/$name.supervisor.pid" pid_file="$RUN_DIR/$name.pid"
    if [ -f "$supervisor" ] && kill -0 "$(cat "$supervisor")" 2>/dev/null; then kill "$(cat "$supervisor")" || true; fi
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "[run] stopping $name"; kill "$(cat "$pid_file")" || true
    fi
    rm -f "$pid_file" "$supervisor"
  done
}

# Development settings: tokens from the local issuer, and the key-encryption key for customers'
# personal data that eng/infra.sh keeps beside the database (production takes it from a Secret).
dev_settings() {
  eval "$("$ROOT/eng/infra.sh" env)"
  : "${COMPLAINTS_DEV_KEK:?eng/infra.sh up makes the development key-encryption key; run it first}"
  export Complaints__Auth__Authority="http://127.0.0.1:5100/" Complaints__Auth__RequireHttpsMetadata=false
  export Complaints__PersonalData__ActiveKeyId=dev1 Complaints__PersonalData__KeyEncryptionKeys__dev1="$COMPLAINTS_DEV_KEK"
  : "${COMPLAINTS_DEV_AUDIT_KEY:?eng/infra.sh up makes the development audit signing key; run it first}"
  export Complaints__Audit__SigningKey="$COMPLAINTS_DEV_AUDIT_KEY" Complaints__Audit__SigningKeyId=dev1
  export Complaints__Grpc__Reflection=true Identity__File="$ROOT/eng/dev-identities.json"
  if telemetry_on; then export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc; fi
  # The desk: the local issuer's "desk" client, and the services it calls with each person's token.
  export Desk__Authority="http://127.0.0.1:5100/" Desk__RequireHttpsMetadata=false Desk__ClientId=desk Desk__ClientSecret=dev-desk-secret \
    Desk__Intake=http://127.0.0.1:5101 Desk__Routing=http://127.0.0.1:5102 Desk__Resolution=http://127.0.0.1:5103 \
    Desk__Followup=http://127.0.0.1:5104 Desk__Audit=http://127.0.0.1:5105 Desk__DataProtectionKeys="$ROOT/.local/desk-keys"
  # A jurisdiction's clock, as the chart's example values configure it: China's banking and insurance
  # rule on money complaints (15 days, 30 if complex, 30 more once with a supervisor's approval).
  export Complaints__Sla__RegulatoryClocks__0__Name=cn-decision Complaints__Sla__RegulatoryClocks__0__Categories__0=billing_fees \
    Complaints__Sla__RegulatoryClocks__0__Rule="China banking and insurance: a decision within 15 days, 30 if complex; 30 more with approval" \
    Complaints__Sla__RegulatoryClocks__0__Days=15 Complaints__Sla__RegulatoryClocks__0__ComplexDays=30 \
    Complaints__Sla__RegulatoryClocks__0__ExtensionDays=30 Complaints__Sla__RegulatoryClocks__0__ExtensionRequires=Approval
}

telemetry_on() { [ "${COMPLAINTS_TELEMETRY:-on}" != off ]; }

# The local viewer of traces, metrics and logs (the Aspire dashboard, standalone from its NuGet
# package). Unsecured on loopback only: a developer's machine, never a shared one.
start_dashboard() {
  local tools="${NUGET_PACKAGES:-$HOME/.nuget/packages}/aspire.dashboard.sdk.linux-x64/$DASHBOARD_VERSION/tools"
  [ -x "$tools/Aspire.Dashboard" ] || dotnet restore "$ROOT/eng/dashboard/dashboard.proj" -v quiet -nologo
  mkdir -p "$RUN_DIR"
  echo "[run] starting the telemetry dashboard on $DASHBOARD_URL (log: .local/services/dashboard.log)"
  ( cd "$tools" && ASPNETCORE_URLS="$DASHBOARD_URL" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:4317 \
      ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:4318 Dashboard__Frontend__AuthMode=Unsecured \
      Dashboard__Otlp__AuthMode=Unsecured DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
      nohup ./Aspire.Dashboard > "$RUN_DIR/dashboard.log" 2>&1 & echo $! > "$RUN_DIR/dashboard.pid" )
}

# Runs one service and starts it again whenever it exits, until killed (stop_services).
supervise() {
  local name="$1" dir="$2" project="$3" port="$4" relay="$5" api="$6" backoff=1 started child urls
  trap 'exit 0' TERM
  # Only the relay signs (checkpoints, exports' manifests): no other service is given the key.
  [ "$relay" = true ] || unset Complaints__Audit__SigningKey Complaints__Audit__SigningKeyId
  # gRPC (HTTP/2) on the service's port; its HTTP/JSON API (HTTP/1.1) on the second, when it has one.
  urls="http://127.0.0.1:$port"
  if [ -n "$api" ]; then urls="$urls;http://127.0.0.1:$api"; export Complaints__HttpApi__Port="$api"; fi
  while true; do
    started=$SECONDS
    ( cd "$dir" && Complaints__RunEventRelay=$relay exec dotnet "bin/Release/net10.0/$project.dll" --urls "$urls" \
        >> "$RUN_DIR/$name.log" 2>&1 ) &
    child=$!
    echo "$child" > "$RUN_DIR/$name.pid"
    wait "$child" && code=0 || code=$?
    [ $((SECONDS - started)) -ge 60 ] && backoff=1
    echo "[run] $(date +%T) $name exited with status $code; starting it again in ${backoff}s" >> "$RUN_DIR/$name.log"
    sleep "$backoff"
    backoff=$(( backoff * 2 > 30 ? 30 : backoff * 2 ))
  done
}

start_service() {
  local wanted="$1" entry name project port api relay dir supervisor
  for entry in "${SERVICES[@]}" "${SCALE_OUT[@]}"; do
    IFS=: read -r name project port api <<< "$entry"
    [ "$name" = "$wanted" ] || continue
    supervisor="$RUN_DIR/$name.supervisor.pid"
    if [ -f "$supervisor" ] && kill -0 "$(cat "$supervisor")" 2>/dev/null; then
      echo "[run] $name is already running under its supervisor"; return 0
    fi
    relay=false; case "$name" in relay*) relay=true ;; esac
    for dir in "$ROOT"/services/*/"$project" "$ROOT/tools/$project"; do [ -d "$dir" ] && break; done
    echo "[run] starting $name on 127.0.0.1:$port${api:+ (HTTP API on $api)} (log: .local/services/$name.log)"
    mkdir -p "$RUN_DIR"
    nohup bash -c "$(declare -f supervise); RUN_DIR='$RUN_DIR'; supervise '$name' '$dir' '$project' '$port' '$relay' '$api'" > /dev/null 2>&1 &
    echo $! > "$supervisor"
    # The service's own pid (for kill) once the supervisor has started it.
    for _ in $(seq 1 50); do [ -f "$RUN_DIR/$name.pid" ] && break; sleep 0.1; done
    return 0
  done
  echo "[run] no service named $wanted" >&2; return 1
}

case "${1:-}" in
  stop) stop_services; exit 0 ;;
  kill)
    pid_file="$RUN_DIR/${2:?name}.pid"
    [ -f "$pid_file" ] && kill -9 "$(cat "$pid_file")" 2>/dev/null && echo "[run] killed $2 (SIGKILL); its supervisor starts it again"
    exit 0 ;;
  start) dev_settings; start_service "${2:?name}"; exit 0 ;;
esac

"$ROOT/eng/infra.sh" up
dev_settings

echo "[run] building"
dotnet build "$ROOT/Complaints.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

stop_services
rm -f "$RUN_DIR"/*.log
if telemetry_on; then start_dashboard; fi
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name _ _ <<< "$entry"
  start_service "$name"
done

CLI=(dotnet "$ROOT/tools/Complaints.Cli/bin/Release/net10.0/complaints.dll")
for _ in $(seq 1 60); do
  if "${CLI[@]}" health > /dev/null 2>&1 && "${CLI[@]}" token channel-phone > /dev/null 2>&1; then break; fi
  sleep 1
done
"${CLI[@]}" health

"${CLI[@]}" demo --intake http://127.0.0.1:5101 --timeout 60
echo
# A supervisor's day: the board, a triage correction, a reassignment, an approval, a department task, a new date told in writing.
"${CLI[@]}" desk-demo --timeout 60

echo
# A channel system without gRPC: the same front door over HTTP/JSON (docs/http-api.md).
echo "== The HTTP/JSON API (channel-web, plain curl) =="
WEB_TOKEN=$("${CLI[@]}" token channel-web)
filed=$(curl -sf http://127.0.0.1:5201/v1/complaints -H "Authorization: Bearer $WEB_TOKEN" -H "Content-Type: application/json" \
  -H "Idempotency-Key: run-$(date +%s)" -d '{"channel":"CHANNEL_WEB_CHAT","customer":{"customerId":"WEB-1001","name":"Ann Lee","email":"ann@example.com"},
  "description":"My broadband drops every evening this week; the router light goes red.","requests":["CUSTOMER_REQUEST_FIX"]}')
echo "POST /v1/complaints -> $filed"
complaint_id=$(printf '%s' "$filed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["complaintId"])')
curl -sf "http://127.0.0.1:5201/v1/complaints/$complaint_id" -H "Authorization: Bearer $WEB_TOKEN" \
  | python3 -c 'import json,sys; c=json.load(sys.stdin); print("GET /v1/complaints/{id} ->", c["complaintNumber"], c["status"], [h["eventType"] for h in c["history"]])'
echo "POST /v1/complaints without a token -> HTTP $(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:5201/v1/complaints -d '{}')"

echo
echo "[run] the HTTP/JSON APIs: OpenAPI at http://127.0.0.1:5201/openapi/v1.json, Swagger UI at http://127.0.0.1:5201/docs"
echo "      (routing 5202, resolution 5203, followup 5204, the audit API 5205; docs/http-api.md)"
echo "[run] the desk: http://127.0.0.1:5110  (sign in as a demo person, password demo-<name>; e.g."
echo "      care-01 / demo-care-01 (agent), sup-billing / demo-sup-billing (supervisor), mgr-ops / demo-mgr-ops (manager),"
echo "      analyst-01 / demo-analyst-01, auditor-01 / demo-auditor-01, privacy-01 / demo-privacy-01; all in eng/dev-identities.json)"
if telemetry_on; then
  echo "[run] traces, metrics and logs: $DASHBOARD_URL  (a complaint's trace: dotnet tools/Complaints.Cli/bin/Release/net10.0/complaints.dll trace NUMBER)"
fi
echo "[run] the services keep running; stop them with 'eng/run.sh stop' and the infrastructure with 'eng/infra.sh down'."
