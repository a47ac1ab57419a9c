// Runs what a rendered chart would run, without a cluster: every container of the schema Job
// (init containers first, in order) and one replica of every Deployment, as the built binaries,
// with exactly the arguments and environment the manifests give them: Secret and ConfigMap
// references resolved, mounted ConfigMap items written to a local folder standing for the mount,
// $(VAR) references expanded. The changes: each process listens on its own loopback port
// (ASPNETCORE_URLS) instead of port 8080 on its own pod address, and a Service's cluster address in
// a value (the desk's, for the services it calls) becomes the loopback address of that workload.
// Then it takes a complaint from filing to closure through them with the CLI demo, and checks the
// desk sends a browser to sign in at the issuer.
//
// usage: node chart-run.mjs RENDERED.yaml --root REPO --work DIR --base-port 5301 --issuer URL
//        [--rabbit-management URL --vhost NAME]
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : fallback; };
const renderedFile = argv[0];
const root = option("--root");
const work = option("--work");
const basePort = Number(option("--base-port", "5301"));
const issuer = option("--issuer");
const log = (...parts) => console.log("[chart-run]", ...parts);

const docs = YAML.parseAllDocuments(fs.readFileSync(renderedFile, "utf8")).map(d => d.toJSON()).filter(Boolean);
const byKind = kind => docs.filter(d => d.kind === kind);
const secrets = Object.fromEntries(byKind("Secret").map(s => [s.metadata.name, { ...(s.stringData ?? {}),
  ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])) }]));
const configMaps = Object.fromEntries(byKind("ConfigMap").map(c => [c.metadata.name, c.data ?? {}]));

// The built binary standing for an image: complaints-<service>[:tag] is services/<service>/<Project>/bin/Release/net10.0/<Project>.dll
function binaryOf(image) {
  const repository = image.split("/").pop().split(":")[0];
  const service = repository.replace(/^complaints-/, "");
  const dir = path.join(root, "services", service);
  const project = fs.readdirSync(dir).find(p => fs.existsSync(path.join(dir, p, `${p}.csproj`)));
  if (!project) throw new Error(`no project for image ${image}`);
  return path.join(dir, project, "bin", "Release", "net10.0", `${project}.dll`);
}

/** Environment of a container as Kubernetes would give it, with mounts mapped to local folders. */
function environmentOf(workload, pod, container, port, serviceAddresses = {}, apiPort = undefined) {
  const mounts = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find(v => v.name === mount.name);
    if (volume?.persistentVolumeClaim) {
      // A claim stands for a folder of its own (the desk's Data Protection keys).
      const local = path.join(work, workload, container.name, mount.name);
      fs.mkdirSync(local, { recursive: true });
      mounts.push([mount.mountPath, local]);
      continue;
    }
    if (!volume?.configMap) continue;
    const local = path.join(work, workload, container.name, mount.name);
    const data = configMaps[volume.configMap.name] ?? {};
    const items = volume.configMap.items ?? Object.keys(data).map(key => ({ key, path: key }));
    for (const item of items) {
      fs.mkdirSync(path.dirname(path.join(local, item.path)), { recursive: true });
      fs.writeFileSync(path.join(local, item.path), data[item.key] ?? "");
    }
    mounts.push([mount.mountPath, local]);
  }
  const env = {};
  for (const variable of container.env ?? []) {
    let value = variable.value;
    if (variable.valueFrom?.secretKeyRef) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      value = secrets[name]?.[key];
      if (value === undefined) throw new Error(`${workload}: secret ${name} has no key ${key}`);
    } else if (variable.valueFrom?.fieldRef) {
      value = `${workload}-local`;
    }
    value = String(value ?? "").replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => env[name] ?? m);
    for (const [mountPath, local] of mounts) if (value.startsWith(mountPath)) value = local + value.slice(mountPath.length);
    for (const [clusterAddress, local] of Object.entries(serviceAddresses)) if (value === clusterAddress) value = local;
    env[variable.name] = value;
  }
  // A pod has its own address and listens on the container port; here every process shares loopback.
  // The HTTP API's port (a second container port) gets a loopback port of its own too.
  delete env.ASPNETCORE_HTTP_PORTS;
  env.ASPNETCORE_URLS = `http://127.0.0.1:${port}`;
  if (env.Complaints__HttpApi__Port && apiPort) {
    env.Complaints__HttpApi__Port = String(apiPort);
    env.ASPNETCORE_URLS += `;http://127.0.0.1:${apiPort}`;
  }
  return env;
}

const children = [];
function run(name, file, args, env, { wait }) {
  const logFile = path.join(work, `${name}.log`);
  const out = fs.openSync(logFile, "w");
  const child = spawn("dotnet", [file, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/root", DOTNET_CLI_TELEMETRY_OPTOUT: "1", ...env }, stdio: ["ignore", out, out] });
  children.push(child);
  if (!wait) return Promise.resolve(child);
  return new Promise((resolve, reject) => child.on("exit", code => code === 0 ? resolve(child)
    : reject(new Error(`${name} exited with ${code}; its log:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`))));
}

function stopAll() { for (const child of children) if (child.exitCode === null) child.kill("SIGTERM"); }
process.on("exit", stopAll);
process.on("SIGINT", () => process.exit(130));

async function main() {
  fs.mkdirSync(work, { recursive: true });
  const management = option("--rabbit-management");
  const vhost = option("--vhost");
  if (management && vhost) {
    const url = new URL(management);
    const auth = "Basic " + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64");
    const base = `${url.protocol}//${url.host}`;
    for (const [apiPath, body] of [[`/api/vhosts/${vhost}`, {}], [`/api/permissions/${vhost}/${url.username}`, { configure: ".*", write: ".*", read: ".*" }]]) {
      const response = await fetch(base + apiPath, { method: "PUT", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`RabbitMQ management ${apiPath}: ${response.status}`);
    }
  }

  let port = basePort;
  for (const job of byKind("Job")) {
    const pod = job.spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      log(`job ${job.metadata.name}: ${container.name} ${container.image} ${(container.args ?? []).join(" ")}`);
      await run(`${job.metadata.name}-${container.name}`, binaryOf(container.image), container.args ?? [], environmentOf(job.metadata.name, pod, container, port++), { wait: true });
    }
  }

  // Every workload's loopback address first, so a value naming a Service (http://NAME:PORT) can be mapped to it.
  const addresses = {};
  const apis = {};
  const serviceAddresses = {};
  const workloads = [];
  for (const deployment of byKind("Deployment")) {
    const component = deployment.spec.template.metadata.labels["app.kubernetes.io/component"];
    const listen = port++;
    const api = port++;
    addresses[component] = `http://127.0.0.1:${listen}`;
    if (deployment.spec.template.spec.containers.some(c => (c.ports ?? []).some(p => p.name === "http-api"))) apis[component] = `http://127.0.0.1:${api}`;
    workloads.push({ deployment, component, listen, api });
  }
  for (const service of byKind("Service")) {
    const component = service.spec.selector?.["app.kubernetes.io/component"];
    for (const servicePort of service.spec.ports ?? [])
      if (addresses[component]) serviceAddresses[`http://${service.metadata.name}:${servicePort.port}`] = addresses[component];
  }
  for (const { deployment, component, listen, api } of workloads) {
    const pod = deployment.spec.template.spec;
    for (const container of pod.containers) {
      log(`deployment ${deployment.metadata.name} (${component}): ${container.image} on ${addresses[component]}${apis[component] ? ` and its HTTP API on ${apis[component]}` : ""} (one replica here; the chart asks for ${deployment.spec.replicas ?? "what its autoscaler decides"})`);
      await run(deployment.metadata.name, binaryOf(container.image), container.args ?? [], environmentOf(deployment.metadata.name, pod, container, listen, serviceAddresses, api), { wait: false });
    }
  }
  const desk = addresses.desk;
  delete addresses.desk;

  const cli = path.join(root, "tools", "Complaints.Cli", "bin", "Release", "net10.0", "complaints.dll");
  const cliEnv = {};
  let serving = false;
  for (let i = 0; i < 90 && !serving; i++) {
    try { await run("health", cli, ["health", ...Object.values(addresses)], cliEnv, { wait: true }); serving = true; }
    catch { await new Promise(r => setTimeout(r, 1000)); }
  }
  if (!serving) throw new Error(`the services did not all become healthy; logs in ${work}`);
  if (!addresses.relay) throw new Error("the chart rendered no relay Deployment (component relay): nothing would serve the audit API");
  log("every workload answers its health check; taking a complaint from filing to closure");
  await run("demo", cli, ["demo", "--intake", addresses.intake, "--resolution", addresses.resolution, "--followup", addresses.followup,
    "--audit", addresses.relay,
    "--issuer", issuer, "--timeout", "90"], cliEnv, { wait: true });
  log(`the chart's workloads took a complaint from filing to closure (logs in ${work})`);
  // The HTTP API: every service with the port serves its OpenAPI document there, and refuses a call without a token.
  for (const [component, api] of Object.entries(apis)) {
    if (component === "desk") continue;
    const document = await fetch(`${api}/openapi/v1.json`);
    const json = document.ok ? await document.json() : {};
    if (!String(json.openapi ?? "").startsWith("3.1") || Object.keys(json.paths ?? {}).length === 0)
      throw new Error(`${component}'s HTTP API did not serve its OpenAPI 3.1 document at ${api}/openapi/v1.json (status ${document.status})`);
    const path = Object.keys(json.paths).find(p => !p.includes("{") && json.paths[p].get) ?? Object.keys(json.paths)[0];
    const method = json.paths[path].get ? "GET" : "POST";
    const refused = await fetch(`${api}${path.replace(/\{[^}]+\}/g, "x")}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
    if (refused.status !== 401) throw new Error(`${component}'s HTTP API answered ${method} ${path} without a token with ${refused.status}, not 401`);
  }
  log(`the HTTP APIs serve their OpenAPI documents and refuse calls without a token (${Object.keys(apis).filter(c => c !== "desk").join(", ")})`);
  if (desk) {
    // The desk: answers its probes, and sends a browser to the issuer to sign in (code flow with PKCE).
    let ready = false;
    for (let i = 0; i < 60 && !ready; i++) {
      try { ready = (await fetch(`${desk}/healthz/ready`)).ok; } catch { /* not listening yet */ }
      if (!ready) await new Promise(r => setTimeout(r, 1000));
    }
    if (!ready) throw new Error(`the desk did not become ready; its log is in ${work}`);
    const response = await fetch(`${desk}/`, { redirect: "manual" });
    const location = response.headers.get("location") ?? "";
    if (response.status !== 302 || !location.startsWith(`${issuer}connect/authorize`) || !location.includes("code_challenge="))
      throw new Error(`the desk did not send a browser to sign in at the issuer (status ${response.status}, location ${location})`);
    log(`the desk answers on ${desk} and sends a browser to sign in at ${issuer} with PKCE`);
  }
}

main().then(() => { stopAll(); process.exit(0); }, error => { console.error("[chart-run] FAILED:", error.message); stopAll(); process.exit(1); });
