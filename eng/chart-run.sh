#!/usr/bin/env bash
# The Helm chart proven without a cluster: renders it with 'helm template' (default values plus the
# local endpoints, as an installer would pass them), then runs the built binaries exactly as the
# rendered workloads would (eng/helm/chart-run.mjs): the schema job's containers against an empty
# database, then every Deployment with schema auto-creation off, and takes a complaint from filing to
# closure through them. Needs eng/helm-check.sh to have unpacked helm (CI runs it first).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HELM="$ROOT/.local/tools/helm"
WORK="$ROOT/.local/chart-run"
ISSUER_PORT=5300
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { printf '[chart-run] %s\n' "$*"; }

[ -x "$HELM" ] && [ -d "$ROOT/eng/helm/node_modules" ] || bash "$ROOT/eng/helm-check.sh"
"$ROOT/eng/infra.sh" up
eval "$("$ROOT/eng/infra.sh" env)"
[ "${1:-}" = --no-build ] || dotnet build "$ROOT/Complaints.sln" -c Release -v quiet -nologo -clp:ErrorsOnly

run_id="chart$(date +%s)$$"
database="complaints_$run_id"
PGPASSWORD=complaints psql -q -h 127.0.0.1 -p "${COMPLAINTS_PG_PORT:-55432}" -U complaints -d complaints -c "create database $database"
rm -rf "$WORK" && mkdir -p "$WORK"
issuer_pid=""
cleanup() {
  [ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null || true
  PGPASSWORD=complaints psql -q -h 127.0.0.1 -p "${COMPLAINTS_PG_PORT:-55432}" -U complaints -d complaints -c "drop database if exists $database with (force)" || true
  node -e "const u=new URL(process.argv[1]); fetch(u.protocol+'//'+u.host+'/api/vhosts/$run_id',{method:'DELETE',headers:{authorization:'Basic '+Buffer.from(decodeURIComponent(u.username)+':'+decodeURIComponent(u.password)).toString('base64')}}).catch(()=>{})" "$COMPLAINTS_TEST_RABBITMQ_MANAGEMENT" || true
}
trap cleanup EXIT

# The identity provider stands in for the company's: the local issuer of the demo identities.
log "starting the local issuer on 127.0.0.1:$ISSUER_PORT"
Identity__File="$ROOT/eng/dev-identities.json" dotnet "$ROOT/tools/Complaints.Identity/bin/Release/net10.0/Complaints.Identity.dll" \
  --urls "http://127.0.0.1:$ISSUER_PORT" > "$WORK/issuer.log" 2>&1 &
issuer_pid=$!

log "rendering the chart with the default values and the local endpoints"
"$HELM" template complaints "$ROOT/deploy/helm/complaints" --namespace complaints \
  --set-string "postgresql.connectionString=Host=127.0.0.1;Port=${COMPLAINTS_PG_PORT:-55432};Database=$database;Username=complaints;Password=complaints" \
  --set-string "rabbitmq.connectionString=amqp://complaints:complaints@127.0.0.1:${COMPLAINTS_RABBIT_PORT:-55672}/$run_id" \
  --set-string "auth.authority=http://127.0.0.1:$ISSUER_PORT/" --set auth.requireHttpsMetadata=false \
  --set-string "desk.clientSecret=dev-desk-secret" \
  --set-string "personalData.keyEncryptionKeys.k1=$(head -c 32 /dev/urandom | base64)" \
  --set-string "audit.signingKey=$(openssl ecparam -name prime256v1 -genkey -noout -outform DER | openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER | base64 -w0)" \
  > "$WORK/rendered.yaml"

node "$ROOT/eng/helm/chart-run.mjs" "$WORK/rendered.yaml" --root "$ROOT" --work "$WORK" --base-port 5301 \
  --issuer "http://127.0.0.1:$ISSUER_PORT/" --rabbit-management "$COMPLAINTS_TEST_RABBITMQ_MANAGEMENT" --vhost "$run_id"
