// Validates every manifest of a rendered chart (a multi-document YAML file) against the
// Kubernetes API schemas shipped in the kubernetes-models package.
// usage: node validate-manifests.mjs rendered.yaml [...]
import { readFileSync } from "node:fs";
import YAML from "yaml";

let failures = 0;
let checked = 0;
const fail = (message) => { console.error(message); failures++; };

for (const file of process.argv.slice(2)) {
  const manifests = [];
  for (const document of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length) { console.error(`${file}: YAML error: ${document.errors[0].message}`); failures++; continue; }
    const manifest = document.toJS();
    if (!manifest) continue;
    manifests.push(manifest);
    const { apiVersion, kind } = manifest;
    const name = `${kind}/${manifest.metadata?.name} (${apiVersion})`;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
    const modulePath = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
    let Model;
    try { Model = (await import(modulePath))[kind]; }
    catch { console.error(`${file}: ${name}: no schema for this kind/apiVersion`); failures++; continue; }
    try {
      new Model(manifest).validate();
      checked++;
    } catch (error) {
      console.error(`${file}: ${name}: ${error.message}`);
      failures++;
    }
  }
  checkInvariants(file, manifests);
}

// What the platform relies on beyond the API schemas.
function checkInvariants(file, manifests) {
  const deployments = manifests.filter((m) => m.kind === "Deployment");
  const component = (m) => m.metadata.labels?.["app.kubernetes.io/component"];
  const envOf = (container, name) => container.env?.find((e) => e.name === name)?.value;

  const relays = deployments.filter((d) => envOf(d.spec.template.spec.containers[0], "Complaints__RunEventRelay") === "true");
  if (relays.length !== 1) fail(`${file}: ${relays.length} Deployments run the event relay; exactly one must (its replicas elect one leader)`);
  for (const relay of relays) {
    // Hot-cold: a standby to take over when the leader's node goes, rolled one at a time so one always runs.
    if (!(relay.spec.replicas >= 2)) fail(`${file}: relay Deployment has replicas=${relay.spec.replicas}; at least 2, so a standby takes over`);
    if (relay.spec.strategy?.type !== "RollingUpdate" || relay.spec.strategy.rollingUpdate?.maxSurge !== 0)
      fail(`${file}: relay Deployment must roll one replica at a time (RollingUpdate, maxSurge 0)`);
    if (!relay.spec.template.spec.topologySpreadConstraints?.some((c) => c.topologyKey === "kubernetes.io/hostname"))
      fail(`${file}: relay replicas must be spread over nodes, or the standby may die with the leader`);
    if (manifests.some((m) => m.kind === "HorizontalPodAutoscaler" && m.spec.scaleTargetRef.name === relay.metadata.name))
      fail(`${file}: the relay Deployment must not be autoscaled`);
  }

  const pods = [
    ...deployments.map((d) => [d.metadata.name, d.spec.template.spec]),
    ...manifests.filter((m) => m.kind === "Job").map((j) => [j.metadata.name, j.spec.template.spec]),
    ...manifests.filter((m) => m.kind === "Pod").map((p) => [p.metadata.name, p.spec]),
  ];
  for (const [name, pod] of pods) {
    if (pod.securityContext?.runAsNonRoot !== true) fail(`${file}: ${name}: pod must set runAsNonRoot`);
    if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") fail(`${file}: ${name}: pod must use the RuntimeDefault seccomp profile`);
    if (pod.automountServiceAccountToken !== false) fail(`${file}: ${name}: pod must not mount a service account token`);
    for (const container of pod.containers) {
      const sc = container.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true) fail(`${file}: ${name}/${container.name}: root filesystem must be read-only`);
      if (sc.allowPrivilegeEscalation !== false) fail(`${file}: ${name}/${container.name}: must not allow privilege escalation`);
      if (!sc.capabilities?.drop?.includes("ALL")) fail(`${file}: ${name}/${container.name}: must drop ALL capabilities`);
      if (!container.volumeMounts?.some((v) => v.mountPath === "/tmp")) fail(`${file}: ${name}/${container.name}: needs a writable /tmp`);
      if (!container.resources?.limits || !container.resources?.requests) fail(`${file}: ${name}/${container.name}: needs resource requests and limits`);
    }
  }
  for (const deployment of deployments) {
    const container = deployment.spec.template.spec.containers[0];
    // The desk is the one HTTP workload (a web application); every other answers grpc.health.v1.
    const kind = component(deployment) === "desk" ? "httpGet" : "grpc";
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"])
      if (!container[probe]?.[kind]) fail(`${file}: ${deployment.metadata.name}: ${probe} must be ${kind === "grpc" ? "a native gRPC" : "an HTTP"} probe`);
  }
  for (const desk of deployments.filter((d) => component(d) === "desk")) {
    // Several replicas share one key ring (cookies and circuits), and a browser stays on one replica.
    if (!desk.spec.template.spec.volumes?.some((v) => v.persistentVolumeClaim))
      fail(`${file}: the desk's Data Protection keys must be on a volume its replicas share`);
    const service = manifests.find((m) => m.kind === "Service" && m.metadata.name === desk.metadata.name);
    if (service?.spec.sessionAffinity !== "ClientIP") fail(`${file}: the desk's Service must keep a client on its pod (sessionAffinity ClientIP)`);
  }
  const covered = new Set(manifests.filter((m) => m.kind === "NetworkPolicy").map((p) => p.spec.podSelector.matchLabels?.["app.kubernetes.io/component"]));
  for (const deployment of deployments)
    if (!covered.has(component(deployment))) fail(`${file}: ${deployment.metadata.name} has no NetworkPolicy`);
}

console.log(`validated ${checked} manifests, ${failures} problems`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
