using System.Globalization;
using System.Security.Cryptography;
using Complaints.Client;
using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Cli;

/// <summary>
/// complaints audit history|export|verify|reads (docs/audit.md). history, export and reads call the
/// audit API as an auditor (--as CLIENT_ID, default auditor-01); verify works offline on a file.
/// </summary>
public sealed class AuditCommands(string[] args, Func<string, ClientCredentials> identity, string auditAddress)
{
    private string? Option(string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private Audit.AuditClient Client() =>
        new(AuthenticatedChannel.Retrying(auditAddress, identity(Option("--as") ?? "auditor-01")));

    public async Task<int> RunAsync() => args.ElementAtOrDefault(1) switch
    {
        "history" when args.Length > 2 => await HistoryAsync(args[2]),
        "export" when Option("--out") is { } file => await ExportAsync(file),
        "verify" when args.Length > 2 => Verify(args[2]),
        "reads" => await ReadsAsync(),
        "trace" when args.Length > 2 => await TraceAsync(args[2]),
        _ => Usage(),
    };

    /// <summary>
    /// Each event of a complaint with the trace it was recorded in (W3C trace context kept on the
    /// event) and the viewer's link to it (--viewer, default the local Aspire dashboard).
    /// </summary>
    private async Task<int> TraceAsync(string complaint)
    {
        var viewer = (Option("--viewer") ?? "http://127.0.0.1:18888").TrimEnd('/');
        var response = await Client().GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = complaint });
        Console.WriteLine($"{response.State.ComplaintNumber} ({response.State.ComplaintId}): {response.History.Count} events");
        foreach (var e in response.History)
        {
            // traceparent: 00-<32 hex trace id>-<16 hex span id>-<flags>
            var parts = e.TraceParent.Split('-');
            var traceId = parts.Length == 4 ? parts[1] : "";
            Console.WriteLine($"  v{e.Version} {e.RecordedAt.ToDateTimeOffset():O} {e.EventType} by {e.Actor} ({e.ActorRole})" +
                              (traceId.Length > 0 ? $"\n      trace {traceId}  {viewer}/traces/detail/{traceId}" : "\n      no trace recorded"));
        }
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: complaints audit history NUMBER|ID [--as-of 2026-11-24T10:00:00Z | --at-version N]
                   complaints audit export (--complaint NUMBER|ID | --customer CUSTOMER_ID | --from T --to T) --out FILE
                   complaints audit verify FILE [--public-key BASE64|FILE]      (offline: no network, no database)
                   complaints audit reads [--complaint NUMBER|ID] [--reader SUBJECT] [--limit N]
                   complaints audit trace NUMBER|ID [--viewer URL]      (each event's trace id and the viewer's link)
            """);
        return 2;
    }

    private static Timestamp Instant(string text) =>
        Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    private async Task<int> HistoryAsync(string complaint)
    {
        var request = new GetComplaintHistoryRequest { Complaint = complaint };
        if (Option("--as-of") is { } asOf) request.AsOf = Instant(asOf);
        if (Option("--at-version") is { } version) request.AtVersion = long.Parse(version, CultureInfo.InvariantCulture);
        var response = await Client().GetComplaintHistoryAsync(request);
        var s = response.State;
        Console.WriteLine($"{s.ComplaintNumber} ({s.ComplaintId}) at version {s.Version}: {s.Status}");
        Console.WriteLine($"  filed {s.FiledAt?.ToDateTimeOffset():u} through {s.Channel} by {s.FiledBy}; customer {s.CustomerId} {s.CustomerName}");
        Console.WriteLine($"  {s.Category}/{s.Priority}, team {s.Team}, owner {s.Owner} ({s.Tier}), escalations {s.Escalations}, breaches {s.Breaches.Count}, reopens {s.Reopens}");
        foreach (var r in s.Remedies) Console.WriteLine($"  remedy {r.Kind} {r.Amount} {r.Currency}: {r.Status} {r.DecidedBy}");
        if (s.Survey is { } survey) Console.WriteLine($"  survey: timeliness {survey.Timeliness}, solution {survey.Solution}, attitude {survey.Attitude}, NPS {survey.Nps}");
        Console.WriteLine("History:");
        foreach (var e in response.History)
        {
            Console.WriteLine($"  v{e.Version} seq {e.Sequence} {e.RecordedAt.ToDateTimeOffset():O} {e.EventType} by {e.Actor} ({e.ActorRole})" +
                              (e.CausationId.Length > 0 ? $", caused by event {e.CausationId}" : "") + $", trace {e.CorrelationId}");
            Console.WriteLine($"      seal {(e.StreamSeal.Length > 0 ? e.StreamSeal[..16] + "…" : "not yet")}  {e.DataJson}");
        }
        return 0;
    }

    private ComplaintScope Scope()
    {
        if (Option("--complaint") is { } complaint) return new ComplaintScope { Complaint = complaint };
        if (Option("--customer") is { } customer) return new ComplaintScope { CustomerId = customer };
        if (Option("--from") is { } from && Option("--to") is { } to) return new ComplaintScope { Filed = new Period { From = Instant(from), To = Instant(to) } };
        throw new ArgumentException("name --complaint, --customer, or --from and --to");
    }

    private async Task<int> ExportAsync(string file)
    {
        using var call = Client().ExportComplaints(new ExportComplaintsRequest { Scope = Scope() });
        await using var output = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false));
        var lines = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            foreach (var line in call.ResponseStream.Current.Lines) { await output.WriteLineAsync(line); lines++; }
        Console.WriteLine($"wrote {lines} records to {file}");
        return 0;
    }

    /// <summary>Offline: reads the file alone. Exit 0 when it verifies, 1 naming the first bad event, 2 when the file is unreadable.</summary>
    private int Verify(string file)
    {
        byte[]? trusted = null;
        if (Option("--public-key") is { } key)
        {
            var text = File.Exists(key) ? File.ReadAllText(key) : key;
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(text);
                trusted = ecdsa.ExportSubjectPublicKeyInfo();
            }
            else trusted = Convert.FromBase64String(text.Trim());
        }
        AuditBundle bundle;
        try
        {
            bundle = AuditExportFile.ReadFile(file);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return 2;
        }
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = AuditVerifier.Verify(bundle, trusted);
        stopwatch.Stop();
        if (result.CoveredBy is { } checkpoint)
            Console.WriteLine($"checkpoint: seq {checkpoint.Seq}, signed {checkpoint.SignedAt} with key {checkpoint.KeyId} " +
                              $"(SHA-256 of the public key {Convert.ToHexStringLower(SHA256.HashData(checkpoint.PublicKey))[..16]}…)" +
                              (trusted is null ? "; pass --public-key to check it is the key you trust" : "; the key you gave"));
        if (bundle.Manifest is { } manifest)
            Console.WriteLine($"manifest: {manifest.Complaints.Count} complaints, signed {manifest.SignedAt} with key {manifest.KeyId}");
        Console.WriteLine($"{bundle.Scope}: {result.EventsChecked} events and {result.LinksChecked} chain links checked in {stopwatch.ElapsedMilliseconds} ms");
        if (result.Ok)
        {
            Console.WriteLine("OK: every event is as it was sealed, every complaint of the signed manifest is whole, and the chain reaches a signed checkpoint");
            return 0;
        }
        Console.WriteLine($"NOT VERIFIED: {result.FirstProblem}");
        return 1;
    }

    private async Task<int> ReadsAsync()
    {
        var request = new ListPersonalDataReadsRequest
        {
            Complaint = Option("--complaint") ?? "", Reader = Option("--reader") ?? "",
            Limit = int.Parse(Option("--limit") ?? "100", CultureInfo.InvariantCulture),
        };
        var response = await Client().ListPersonalDataReadsAsync(request);
        foreach (var r in response.Reads)
            Console.WriteLine($"{r.ReadAt.ToDateTimeOffset():O}  {r.Reader} ({r.Role})  {r.View,-6}  {r.ComplaintId}  {r.Rpc}");
        return 0;
    }
}
