"""The counting half of eng/count-work.sh: idle window, load window, per-complaint table.

Reads PostgreSQL through psql (COMPLAINTS_PG_URL), RabbitMQ through its management API
(COMPLAINTS_TEST_RABBITMQ_MANAGEMENT, vhost "complaints") and CPU through eng/lib/cpu-snapshot.sh.
"""
import argparse, base64, json, os, re, resource, subprocess, sys, time, urllib.parse, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--root", required=True)
parser.add_argument("--rate", type=float, default=50)
parser.add_argument("--duration", type=float, default=20)
parser.add_argument("--top", type=int, default=25)
args = parser.parse_args()
PG = os.environ["COMPLAINTS_PG_URL"]
MGMT = urllib.parse.urlparse(os.environ["COMPLAINTS_TEST_RABBITMQ_MANAGEMENT"])
VHOST = "complaints"
SCHEMA = "complaints"


def sql(query):
    out = subprocess.run(["psql", PG, "-qtA", "-F", "\t", "-c", query], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def rabbit(path):
    request = urllib.request.Request(f"{MGMT.scheme}://{MGMT.hostname}:{MGMT.port}/api/{path}")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{MGMT.username}:{MGMT.password}".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def cpu():
    out = subprocess.run(["bash", "-c", f'. "{args.root}/eng/lib/cpu-snapshot.sh"; cpu_snapshot'], check=True, capture_output=True, text=True).stdout
    ticks = os.sysconf("SC_CLK_TCK")
    return {name: int(value) * 1000 / ticks for name, value in (line.split() for line in out.splitlines())}


def events():
    return int(sql(f"select count(*) from {SCHEMA}.mt_events")[0][0])


def queued():
    """Messages waiting for a consumer; a queue nobody consumes (an error queue, one a release left behind) never drains."""
    return sum(q.get("messages", 0) or 0 for q in rabbit(f"queues/{VHOST}?columns=name,messages,consumers") if (q.get("consumers") or 0) > 0)


def quiet(timeout=300):
    """Until nothing is queued and no event was appended for 5 s: the relay and every consumer caught up."""
    deadline, last, still_since = time.time() + timeout, None, time.time()
    while time.time() < deadline:
        now = (events(), queued())
        if now != last or now[1] > 0:
            last, still_since = now, time.time()
        elif time.time() - still_since >= 5:
            return
        time.sleep(0.5)
    sys.exit("the platform did not go quiet within 5 minutes")


def snapshot():
    tables = sql(f"select coalesce(sum(autovacuum_count), 0), coalesce(sum(autoanalyze_count), 0) from pg_stat_user_tables where schemaname = '{SCHEMA}'")[0]
    database = sql("select xact_commit + xact_rollback, tup_inserted + tup_updated + tup_deleted from pg_stat_database where datname = current_database()")[0]
    stats = rabbit(f"vhosts/{urllib.parse.quote(VHOST, safe='')}").get("message_stats", {})
    return {
        "at": time.time(), "cpu": cpu(), "events": events(), "autovacuums": int(tables[0]), "autoanalyzes": int(tables[1]),
        "transactions": int(database[0]), "rows": int(database[1]),
        "published": stats.get("publish", 0), "delivered": stats.get("deliver_get", 0),
        "statements": {row[0]: (int(row[1]), int(row[2]), float(row[3]), row[4]) for row in sql(
            "select queryid, calls, rows, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') "
            "from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())")},
    }


def difference(before, after):
    statements = {}
    for key, (calls, rows, ms, text) in after["statements"].items():
        c0, r0, m0, _ = before["statements"].get(key, (0, 0, 0.0, text))
        if calls - c0 > 0:
            statements[key] = (calls - c0, rows - r0, ms - m0, text)
    return {
        "seconds": after["at"] - before["at"],
        "cpu": {name: after["cpu"].get(name, 0) - before["cpu"].get(name, 0) for name in after["cpu"]},
        **{k: after[k] - before[k] for k in ("events", "transactions", "rows", "published", "delivered", "autovacuums", "autoanalyzes")},
        "statements": statements,
    }


def is_stream_read(text):
    """Marten's FetchStream: a complaint's whole stream read back."""
    return re.search(r"from \w+\.mt_events as d where .*d\.stream_id = \$1", text, re.I) is not None


print("== Idle: the platform running, nothing filed ==")
quiet()
idle_before = snapshot()
time.sleep(args.duration + 10)
idle = difference(idle_before, snapshot())

print(f"== Load: {args.rate:g}/s for {args.duration:g} s, then until every consumer is done ==")
quiet()
before = snapshot()
load = subprocess.run(["dotnet", f"{args.root}/tools/Complaints.LoadTest/bin/Release/net10.0/complaints-load.dll",
                       "--rate", str(args.rate), "--duration", str(args.duration), "--concurrency", "64"],
                      capture_output=True, text=True)
print(load.stdout.strip())
match = re.search(r"^FileComplaint: (\d+) ok", load.stdout, re.M)
if not match:
    sys.exit("the load generator filed nothing:\n" + load.stdout + load.stderr)
filed = int(match.group(1))
quiet()
run = difference(before, snapshot())

scale = run["seconds"] / idle["seconds"]   # idle work per second, over the run's length


def yardstick(seconds=10):
    """CPU ms of one PostgreSQL single-row jsonb insert (pgbench, two clients, both sides) on this
    machine now: its speed moves between runs by more than the changes being measured, so the
    platform's CPU per complaint is also given in these inserts. Commits do not wait for the disk
    here (synchronous_commit off for pgbench's sessions only), so the yardstick is CPU, not the
    disk's latency, which varies more than the CPU between runs."""
    pgbench = os.path.join(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"), "pgbench")
    sql("create table if not exists count_work_insert (id bigserial primary key, data jsonb not null)")
    script = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"count-work-insert-{os.getpid()}.sql")
    with open(script, "w") as f:
        f.write("insert into count_work_insert (data) values ('{\"kind\":\"yardstick\",\"n\":1}');\n")
    before_cpu, before_children, started = cpu(), resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    out = subprocess.run([pgbench, "-n", "-c", "2", "-j", "2", "-T", str(seconds), "-f", script, PG], check=True, capture_output=True, text=True,
                         env={**os.environ, "PGOPTIONS": "-c synchronous_commit=off -c client_min_messages=warning"}).stdout
    after_cpu, after_children, elapsed = cpu(), resource.getrusage(resource.RUSAGE_CHILDREN), time.time() - started
    sql("drop table count_work_insert")
    os.remove(script)
    inserts = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
    client_ms = (after_children.ru_utime + after_children.ru_stime - before_children.ru_utime - before_children.ru_stime) * 1000
    # PostgreSQL's share: its CPU over the window less what the idle platform costs it meanwhile.
    server_ms = sum(after_cpu.get(n, 0) - before_cpu.get(n, 0) - idle["cpu"].get(n, 0) * elapsed / idle["seconds"]
                    for n in ("postgresql", "postgresql-autovacuum"))
    return (client_ms + server_ms) / inserts, inserts / elapsed


insert_ms, insert_rate = yardstick()


def per(key):
    return (run[key] - idle[key] * scale) / filed


stream_reads = sum(c for c, _, _, t in run["statements"].values() if is_stream_read(t)) - \
    sum(c for c, _, _, t in idle["statements"].values() if is_stream_read(t)) * scale
statements = sum(c for c, _, _, _ in run["statements"].values()) - sum(c for c, _, _, _ in idle["statements"].values()) * scale

print()
print(f"Complaints filed and assigned: {filed} in a window of {run['seconds']:.0f} s (idle measured over {idle['seconds']:.0f} s, subtracted pro rata)")
print()
print("| per complaint | count |")
print("|---|---|")
print(f"| events appended | {per('events'):.2f} |")
print(f"| PostgreSQL statements | {statements / filed:.1f} |")
print(f"| PostgreSQL transactions | {per('transactions'):.1f} |")
print(f"| rows written (inserted + updated + deleted) | {per('rows'):.1f} |")
print(f"| complaint stream reads (whole stream fetched) | {stream_reads / filed:.1f} |")
print(f"| RabbitMQ messages published | {per('published'):.2f} |")
print(f"| RabbitMQ messages delivered | {per('delivered'):.2f} |")
names = sorted(set(run["cpu"]) | set(idle["cpu"]), key=lambda n: -run["cpu"].get(n, 0))
total = 0.0
for name in names:
    if name == "load-generator":
        continue
    ms = (run["cpu"].get(name, 0) - idle["cpu"].get(name, 0) * scale) / filed
    total += ms
    print(f"| CPU ms, {name} | {ms:.2f} |")
print(f"| **CPU ms, platform (all but the load generator)** | **{total:.2f}** |")
# On a small store growing fast (a fresh one) autovacuum analyzes every table at each 10% of growth:
# far more often per complaint than on a year's store, and a run's count varies with how many fall
# in its window. The platform without it compares runs on the work the complaints themselves cost.
autovacuum = (run["cpu"].get("postgresql-autovacuum", 0) - idle["cpu"].get("postgresql-autovacuum", 0) * scale) / filed
print(f"| CPU ms, platform without PostgreSQL's autovacuum | {total - autovacuum:.2f} |")
print(f"| the same, in PostgreSQL single-row inserts (the yardstick) | {(total - autovacuum) / insert_ms:.1f} |")
print()
print(f"Yardstick, measured in this run: a PostgreSQL single-row jsonb insert (pgbench, two clients, no wait for the disk) costs "
      f"{insert_ms:.3f} ms of CPU, client and server ({insert_rate:.0f} inserts/s)")
print()
print(f"Autovacuum in the load window: {run['autovacuums']} vacuums and {run['autoanalyzes']} analyzes of the "
      f"{SCHEMA} schema's tables; {events()} events in the store at its end")
print()
print(f"Idle, per second: {sum(c for c, *_ in idle['statements'].values()) / idle['seconds']:.1f} statements, "
      f"{idle['transactions'] / idle['seconds']:.1f} transactions, "
      f"{sum(v for k, v in idle['cpu'].items() if k != 'load-generator') / idle['seconds']:.1f} ms CPU")
# What the idle platform runs most: the subtraction above assumes it runs as often under load.
for calls, _, _, text in sorted(idle["statements"].values(), key=lambda s: -s[0])[:5]:
    print(f"  {calls / idle['seconds']:6.1f}/s  {text if len(text) <= 100 else text[:97] + '...'}")
if args.top > 0:
    print()
    print(f"Top {args.top} statements by calls per complaint (idle subtracted):")
    print("| calls | rows | ms | statement |")
    print("|---|---|---|---|")
    rows = []
    for key, (calls, rws, ms, text) in run["statements"].items():
        ic, ir, im, _ = idle["statements"].get(key, (0, 0, 0.0, text))
        rows.append(((calls - ic * scale) / filed, (rws - ir * scale) / filed, (ms - im * scale) / filed, text))
    for calls, rws, ms, text in sorted(rows, key=lambda r: -r[0])[: args.top]:
        shown = text if len(text) <= 110 else text[:107] + "..."
        print(f"| {calls:.2f} | {rws:.2f} | {ms:.3f} | `{shown.replace('|', '/')}` |")
