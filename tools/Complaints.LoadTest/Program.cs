// Load generator: files complaints over gRPC at a target rate and concurrency against running
// services, then reads the events' own timestamps to measure filed -> assigned.
//
//   dotnet run -c Release --project tools/Complaints.LoadTest -- --rate 200 --duration 30 --concurrency 64
//
// Prints FileComplaint throughput and latency percentiles (measured by the client, from sending
// the request to its response), and filed -> assigned latency (complaint_assigned timestamp minus
// complaint_filed timestamp, both written by PostgreSQL) with the assigned throughput.
// Bounded: it sends rate x duration requests to the given address (loopback by default) and stops.
// --drill: failures are expected (services are being killed): the run passes when every failure was
// a status a client retries (Unavailable, DeadlineExceeded, Aborted), every acknowledged complaint
// was triaged and assigned exactly once, and none has a duplicated event.
using System.Collections.Concurrent;
using System.Diagnostics;
using Complaints.Client;
using Complaints.Contracts.Intake.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

var options = LoadOptions.Parse(args);
Console.WriteLine($"Target: {options.Rate}/s for {options.Duration.TotalSeconds:0} s, at most {options.Concurrency} in flight, intake {options.Intake}");

// Files as the phone channel system, with a token from the issuer, as in production.
using var http = new HttpClient();
var identities = DevIdentityFile.Load(DevIdentityFile.Locate());
var credentials = identities.Credentials(http, "channel-phone", options.Issuer is { } issuer ? new Uri(issuer) : null);
using var channel = AuthenticatedChannel.Retrying(options.Intake, credentials, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = Timeout.InfiniteTimeSpan },
});
var intake = new Intake.IntakeClient(channel);

// Warm up connections and the services' code paths; not measured.
if (!options.Drill)
    for (var i = 0; i < 20; i++) await intake.FileComplaintAsync(Samples.Request(options.RunId, -1 - i));

var total = (int)(options.Rate * options.Duration.TotalSeconds);
var latencies = new double[total];
var filedIds = new ConcurrentBag<Guid>();
var failures = new ConcurrentDictionary<StatusCode, int>();
var lateStarts = 0;
using var inFlight = new SemaphoreSlim(options.Concurrency);
var clock = Stopwatch.StartNew();
var tasks = new List<Task>(total);
for (var i = 0; i < total; i++)
{
    // Open loop: request i is due at i / rate, whatever happened to the ones before.
    var due = TimeSpan.FromSeconds(i / options.Rate);
    var wait = due - clock.Elapsed;
    if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
    await inFlight.WaitAsync();
    if (clock.Elapsed - due > TimeSpan.FromMilliseconds(20)) Interlocked.Increment(ref lateStarts);
    var index = i;
    tasks.Add(Task.Run(async () =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await intake.FileComplaintAsync(Samples.Request(options.RunId, index), deadline: DateTime.UtcNow.AddSeconds(30));
            latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            filedIds.Add(Guid.Parse(response.ComplaintId));
        }
        catch (RpcException ex)
        {
            latencies[index] = double.NaN;
            failures.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
        }
        finally
        {
            inFlight.Release();
        }
    }));
}
await Task.WhenAll(tasks);
var sendSeconds = clock.Elapsed.TotalSeconds;

var ok = latencies.Where(l => !double.IsNaN(l)).Order().ToArray();
Console.WriteLine();
Console.WriteLine($"FileComplaint: {ok.Length} ok, {failures.Values.Sum()} failed {(failures.IsEmpty ? "" : string.Join(", ", failures.Select(f => $"{f.Key}={f.Value}")))}" +
                  $" in {sendSeconds:0.0} s = {ok.Length / sendSeconds:0.0}/s; {lateStarts} started >20 ms late (client saturated)");
Console.WriteLine($"  latency ms: p50 {Percentile(ok, 50):0.0}  p90 {Percentile(ok, 90):0.0}  p99 {Percentile(ok, 99):0.0}  max {ok.LastOrDefault():0.0}");

// Filed -> assigned, from the events' timestamps.
await using var database = NpgsqlDataSource.Create(options.Postgres);
var ids = filedIds.ToArray();
var deadline = DateTime.UtcNow + options.AssignTimeout;
List<(DateTime Filed, DateTime Assigned)> pairs;
do
{
    pairs = [];
    try
    {
        await using var command = database.CreateCommand("""
            select min(timestamp) filter (where type = 'complaint_filed'), min(timestamp) filter (where type = 'complaint_assigned')
            from complaints.mt_events where stream_id = any($1) group by stream_id
            """);
        command.Parameters.AddWithValue(ids);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (!reader.IsDBNull(1)) pairs.Add((reader.GetDateTime(0), reader.GetDateTime(1)));
    }
    catch (NpgsqlException) when (DateTime.UtcNow < deadline)
    {
        // PostgreSQL restarting (a drill does that): ask again.
    }
    if (pairs.Count == ids.Length || DateTime.UtcNow > deadline) break;
    await Task.Delay(1000);
} while (true);

// Every acknowledged complaint routed exactly once, and no event of it written twice.
await using (var duplicates = database.CreateCommand(
    "select count(*) from (select stream_id from complaints.mt_events where stream_id = any($1) " +
    "and type in ('complaint_triaged', 'complaint_routed', 'complaint_assigned') group by stream_id, type having count(*) > 1) d"))
{
    duplicates.Parameters.AddWithValue(ids);
    var duplicated = (long)(await duplicates.ExecuteScalarAsync())!;
    Console.WriteLine($"Duplicated triage, routing or assignment events: {duplicated}");
    if (duplicated > 0) return 1;
}

var toAssigned = pairs.Select(p => (p.Assigned - p.Filed).TotalMilliseconds).Order().ToArray();
Console.WriteLine($"Filed -> assigned: {pairs.Count} of {ids.Length} assigned");
if (pairs.Count > 0)
{
    var span = (pairs.Max(p => p.Assigned) - pairs.Min(p => p.Filed)).TotalSeconds;
    Console.WriteLine($"  throughput {pairs.Count / span:0.0}/s (first filed to last assigned, {span:0.0} s)");
    Console.WriteLine($"  latency ms: p50 {Percentile(toAssigned, 50):0}  p90 {Percentile(toAssigned, 90):0}  p99 {Percentile(toAssigned, 99):0}  max {toAssigned.Last():0}");
}
StatusCode[] retryable = [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Aborted];
var failuresOk = failures.IsEmpty || (options.Drill && failures.Keys.All(retryable.Contains));
if (!failuresOk) Console.WriteLine("FAILED: clients saw statuses they would not retry");
if (pairs.Count != ids.Length) Console.WriteLine($"FAILED: {ids.Length - pairs.Count} acknowledged complaints were never assigned");
return failuresOk && pairs.Count == ids.Length ? 0 : 1;

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

internal sealed record LoadOptions(string Intake, string? Issuer, string Postgres, double Rate, TimeSpan Duration, int Concurrency, TimeSpan AssignTimeout, string RunId, bool Drill)
{
    public static LoadOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new LoadOptions(
            Get("--intake", "http://127.0.0.1:5101"),
            args.Contains("--issuer") ? Get("--issuer", "") : null,
            Get("--postgres", Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
                              ?? "Host=127.0.0.1;Port=55432;Database=complaints;Username=complaints;Password=complaints"),
            double.Parse(Get("--rate", "200")),
            TimeSpan.FromSeconds(double.Parse(Get("--duration", "30"))),
            int.Parse(Get("--concurrency", "64")),
            TimeSpan.FromSeconds(double.Parse(Get("--assign-timeout", "120"))),
            Guid.NewGuid().ToString("N")[..8],
            args.Contains("--drill"));
    }
}

/// <summary>A realistic mix of complaints, in Chinese and English, over all channels.</summary>
internal static class Samples
{
    private static readonly (Channel Channel, string Description)[] Complaints =
    [
        (Channel.Phone, "洗衣机用了两周就漏水，师傅上门也没修好。"),
        (Channel.Email, "I was charged a service fee twice on this month's bill."),
        (Channel.WebChat, "快递三天了还没送到，客服也联系不上。"),
        (Channel.SocialMedia, "The delivery driver left my parcel in the rain and it is ruined."),
        (Channel.Branch, "网点只开了一个窗口，排队一个小时，流程太繁琐。"),
        (Channel.MobileApp, "The app keeps logging me out and I cannot check my balance."),
        (Channel.Phone, "客服态度很差，说这不是他们的责任。"),
        (Channel.Email, "Suggestion: please add a way to book branch appointments online."),
    ];

    public static FileComplaintRequest Request(string runId, int index)
    {
        var (channel, description) = Complaints[Math.Abs(index) % Complaints.Length];
        return new FileComplaintRequest
        {
            Channel = channel,
            Customer = new Customer { CustomerId = $"LOAD-{runId}-{Math.Abs(index) % 5000}", Name = "Load Test" },
            Description = description,
            ChannelReference = $"{runId}-{index}",
            IdempotencyKey = $"{runId}-{index}",
            Subject = new Subject { OrderRef = $"ORD-{Math.Abs(index) % 20000}" },
        };
    }
}
