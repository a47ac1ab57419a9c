// The audit figures of docs/benchmark.md, against running services (eng/audit-bench.sh):
//   1. sealing lag: for every event committed since --since, seal time minus commit time (p50, p99, max);
//   2. replay: a complaint with 1,000 events built through the API (the assigned agent records
//      contacts), then GetComplaintHistory at version 1,000 and at 500, timed by the client;
//   3. offline verification: the period since --since exported, then read and verified from the
//      file alone, in events per second.
//
//   complaints-audit-bench --since 2026-11-24T10:00:00Z [--intake URL] [--audit URL] [--resolution URL] [--postgres CS] [--events 1000]
using System.Diagnostics;
using Complaints.Client;
using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

string Get(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var since = DateTimeOffset.Parse(Get("--since", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")));
var intakeAddress = Get("--intake", "http://127.0.0.1:5101");
var resolutionAddress = Get("--resolution", "http://127.0.0.1:5103");
// The audit API is the relay's, which alone holds the signing key.
var auditAddress = Get("--audit", "http://127.0.0.1:5105");
var postgres = Get("--postgres", Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
    ?? "Host=127.0.0.1;Port=55432;Database=complaints;Username=complaints;Password=complaints");
var targetEvents = int.Parse(Get("--events", "1000"));

using var http = new HttpClient();
var identities = DevIdentityFile.Load(DevIdentityFile.Locate());
var auditor = new Audit.AuditClient(AuthenticatedChannel.Retrying(auditAddress, identities.Credentials(http, "auditor-01")));
var intake = new Intake.IntakeClient(AuthenticatedChannel.Retrying(intakeAddress, identities.Credentials(http, "channel-phone")));

// 1. Sealing lag of everything committed since the run started.
await using (var database = NpgsqlDataSource.Create(postgres))
{
    await using var lag = database.CreateCommand(
        "select count(*), percentile_cont(0.5) within group (order by ms), percentile_cont(0.99) within group (order by ms), max(ms) " +
        "from (select extract(epoch from s.sealed_at - e.timestamp) * 1000 as ms from complaints.mt_events e " +
        "join complaints.audit_seals s on s.seq = e.seq_id where e.timestamp >= @since) lags");
    lag.Parameters.AddWithValue("since", since);
    await using var reader = await lag.ExecuteReaderAsync();
    await reader.ReadAsync();
    Console.WriteLine($"sealing lag over {reader.GetInt64(0)} events committed since {since:u}: " +
                      $"p50 {reader.GetDouble(1):0} ms, p99 {reader.GetDouble(2):0} ms, max {reader.GetDouble(3):0} ms");
}

// 2. A complaint with a long life, then replayed at two versions.
var filed = await intake.FileComplaintAsync(new FileComplaintRequest
{
    Channel = Channel.Phone, Customer = new Customer { CustomerId = $"BENCH-{Guid.NewGuid():N}"[..20], Name = "Bench" },
    Description = "The washing machine leaks again after the repair.", IdempotencyKey = Guid.NewGuid().ToString("N"),
});
GetComplaintResponse complaint;
var waited = Stopwatch.StartNew();
do
{
    complaint = await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
    if (complaint.AgentId.Length > 0) break;
    await Task.Delay(200);
} while (waited.Elapsed < TimeSpan.FromSeconds(60));
if (complaint.AgentId.Length == 0) { Console.Error.WriteLine("the complaint was not assigned in 60 s"); return 1; }
var resolution = new Resolution.ResolutionClient(AuthenticatedChannel.Retrying(resolutionAddress, identities.Credentials(http, complaint.AgentId)));
var version = complaint.History.Count;
var building = Stopwatch.StartNew();
// One at a time: every contact is appended at the version it read, as an agent's would be.
while (version < targetEvents)
{
    var recorded = await resolution.RecordContactAsync(new RecordContactRequest
    {
        ComplaintId = filed.ComplaintId, Channel = "phone", Reached = false, Note = "No answer; will try again.",
    });
    version = (int)recorded.Version;
}
Console.WriteLine($"built {filed.ComplaintNumber} with {version} events in {building.Elapsed.TotalSeconds:0.0} s");

foreach (var at in new[] { (long)version, version / 2 })
{
    var times = new List<double>();
    for (var i = 0; i < 21; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var replay = await auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = filed.ComplaintId, AtVersion = at });
        if (i > 0) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (replay.State.Version != at) { Console.Error.WriteLine($"replay at {at} returned version {replay.State.Version}"); return 1; }
    }
    times.Sort();
    Console.WriteLine($"replay at version {at} (state and {at} events of history, over gRPC): median {times[times.Count / 2]:0.0} ms, p95 {times[(int)(times.Count * 0.95)]:0.0} ms");
}

// 3. The run's period exported, then verified from the file alone.
var file = Path.Combine(Path.GetTempPath(), $"audit-bench-{Guid.NewGuid():N}.jsonl");
var exporting = Stopwatch.StartNew();
using (var call = auditor.ExportComplaints(new ExportComplaintsRequest
{
    Scope = new ComplaintScope { Filed = new Period { From = Timestamp.FromDateTimeOffset(since), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) } },
}))
await using (var output = new StreamWriter(file))
    while (await call.ResponseStream.MoveNext(CancellationToken.None))
        foreach (var line in call.ResponseStream.Current.Lines) await output.WriteLineAsync(line);
Console.WriteLine($"exported the period in {exporting.Elapsed.TotalSeconds:0.0} s ({new FileInfo(file).Length / 1048576.0:0.0} MiB)");
// Three rounds: the first includes the runtime's warm-up (what a one-off `complaints audit verify` pays).
VerificationResult result = null!;
for (var round = 1; round <= 3; round++)
{
    var reading = Stopwatch.StartNew();
    var bundle = AuditExportFile.ReadFile(file);
    var readSeconds = reading.Elapsed.TotalSeconds;
    var verifying = Stopwatch.StartNew();
    result = AuditVerifier.Verify(bundle);
    var verifySeconds = verifying.Elapsed.TotalSeconds;
    Console.WriteLine($"offline verification, round {round}, of {result.EventsChecked} events and {result.LinksChecked} links: read {readSeconds:0.00} s, verify {verifySeconds:0.00} s; " +
                      $"{result.EventsChecked / (readSeconds + verifySeconds):0} events/s from the file ({(result.EventsChecked + result.LinksChecked) / verifySeconds:0} entries/s verifying alone): " +
                      (result.Ok ? "OK" : result.FirstProblem!.ToString()));
}
File.Delete(file);
return result.Ok ? 0 : 1;
