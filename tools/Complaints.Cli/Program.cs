// A small client for people: checks the services' health, files a complaint the way a channel
// system would, and shows how it moves through the platform.
//
//   complaints health [address...]
//   complaints token  CLIENT_ID        prints an access token for a demo identity (eng/dev-identities.json)
//   complaints errors list             the error queues (messages that failed for good) and their depth
//   complaints errors replay QUEUE [--max N]
//                     moves an error queue's messages back onto their queue, once the cause is fixed
//                     (--broker AMQP_URI and --management URL, default ConnectionStrings__RabbitMq and
//                     the local management port; docs/operations.md)
//   complaints audit  history|export|verify|reads ...   the auditors' commands (docs/audit.md)
//   complaints webhooks [status | resend-failed [--client ID]]
//                     the notices to channel systems' webhooks by client and state, and the last error;
//                     resend-failed sends the given-up ones again once the endpoint works
//                     (--postgres CONNECTION, default ConnectionStrings__Postgres; docs/http-api.md)
//   complaints triage-eval CORPUS [--rules FILE] [--misses] [--cv-only]
//                     trains triage's model on the corpus's training part, cross-validates it there,
//                     then scores the held-out part: accuracy per aspect, the category confusion
//                     matrix, emergency recall, false emergencies (docs/triage.md). Exits 1 below target.
//   complaints triage-corrections --from T --to T --out FILE [--as CLIENT_ID]
//                     the corrected triages of complaints filed in the period, as corpus lines for a
//                     person to review (read as an auditor; e-mails and long numbers replaced).
//   complaints desk-demo [--intake URL] [--routing URL] [--resolution URL] [--followup URL]
//                     a supervisor's day: the team board, a triage correction that re-routes, a case
//                     moved between agents, an approval awaiting the supervisor, a department task, a
//                     customer told a new date in writing, the KPIs as a daily series.
//   complaints read-probe [--repeats 20] [--customer ID]
//                     times KPIs, a customer's history, an agent's cases and queue, the team board
//                     and the case library as their users call them (eng/scale-bench.sh).
//   complaints generate-streams
//                     writes the event streams of eng/scale-generate.sh's complaints in bulk (binary COPY),
//                     sealed under their customers' own keys; run with the platform stopped.
//   complaints demo   [--intake URL] [--resolution URL] [--followup URL] [--timeout 60]
//                     files the seed-004 bank case and takes it through triage, assignment, the
//                     agent's work, the customer's decision and the follow-up survey.
// Every call but health carries a bearer token from the issuer (--issuer URL, default the one in
// eng/dev-identities.json; --identities FILE to use another file), got as a channel system gets it.
using System.Diagnostics;
using Complaints.Client;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

var command = args.FirstOrDefault() ?? "demo";
var intakeAddress = Option("--intake") ?? "http://127.0.0.1:5101";
// The audit API (histories, exports, verification) is served by the relay, which alone holds the signing key.
var auditAddress = Option("--audit") ?? "http://127.0.0.1:5105";
var timeout = TimeSpan.FromSeconds(int.Parse(Option("--timeout") ?? "60"));
using var http = new HttpClient();

return command switch
{
    "health" => await Health(args.Skip(1).Where(a => a.StartsWith("http")).DefaultIfEmpty().ToArray()),
    "token" when args.Length > 1 => await PrintToken(args[1]),
    "errors" when args.Length > 1 && args[1] == "list" => await ListErrors(),
    "errors" when args.Length > 2 && args[1] == "replay" => await ReplayErrors(args[2]),
    "audit" => await new Complaints.Cli.AuditCommands(args, Identity, auditAddress).RunAsync(),
    "webhooks" => await Complaints.Cli.WebhookCommands.RunAsync(args.ElementAtOrDefault(1) ?? "status", Option("--client"),
        Option("--postgres") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")),
    // complaints trace NUMBER: each event of the complaint with its trace id and the viewer's link to it.
    "trace" when args.Length > 1 => await new Complaints.Cli.AuditCommands(["audit", .. args], Identity, auditAddress).RunAsync(),
    "triage-corrections" when Option("--from") is not null && Option("--to") is not null && Option("--out") is not null => await TriageCorrections(),
    "triage-train" when args.Length > 1 => Complaints.Cli.TriageTrainCommand.Run(args[1], Option("--writers"), Option("--rules"), Option("--out")),
    "triage-eval" when args.Length > 1 => Complaints.Cli.TriageEvalCommand.Run(args[1], Option("--rules"), args.Contains("--misses"), args),
    "demo" => await Demo(),
    "read-probe" => await new Complaints.Cli.ReadProbe(Identity, intakeAddress, Option("--routing") ?? "http://127.0.0.1:5102",
        Option("--resolution") ?? "http://127.0.0.1:5103", Option("--followup") ?? "http://127.0.0.1:5104",
        int.Parse(Option("--repeats") ?? "20", System.Globalization.CultureInfo.InvariantCulture), Option("--customer") ?? "SCALE-000001").RunAsync(),
    "generate-streams" => await Complaints.Cli.GenerateStreams.RunAsync(),
    "desk-demo" => await new Complaints.Cli.DeskDemo(Identity, intakeAddress, Option("--routing") ?? "http://127.0.0.1:5102",
        Option("--resolution") ?? "http://127.0.0.1:5103", Option("--followup") ?? "http://127.0.0.1:5104", timeout).RunAsync(),
    _ => Usage(),
};

ClientCredentials Identity(string clientId)
{
    var identities = DevIdentityFile.Load(Option("--identities") ?? DevIdentityFile.Locate());
    return identities.Credentials(http, clientId, Option("--issuer") is { } issuer ? new Uri(issuer) : null);
}

ErrorQueues ErrorQueuesOf()
{
    var broker = new Uri(Option("--broker") ?? Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq") ?? "amqp://complaints:complaints@127.0.0.1:55672/");
    var management = new Uri(Option("--management") ?? $"http://{broker.UserInfo}@{broker.Host}:55673/");
    return new ErrorQueues(broker, management);
}

// Corrected triages as corpus lines to review (docs/triage.md): read as an auditor, every read in the personal-data log.
async Task<int> TriageCorrections()
{
    static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
    var audit = new Complaints.Contracts.Audit.V1.Audit.AuditClient(AuthenticatedChannel.Retrying(auditAddress, Identity(Option("--as") ?? "auditor-01")));
    var lines = await new TriageCorrectionsExport(audit).LinesAsync(At(Option("--from")!), At(Option("--to")!), CancellationToken.None);
    await File.WriteAllLinesAsync(Option("--out")!, lines);
    Console.WriteLine($"wrote {lines.Count} corrected triages to {Option("--out")}: customers' words (e-mails and long numbers replaced), personal data until a person " +
                      "has reviewed each line; then add them to data/triage-corpus.jsonl as training lines");
    return 0;
}

async Task<int> ListErrors()
{
    var queues = await ErrorQueuesOf().ListAsync();
    foreach (var (queue, messages) in queues) Console.WriteLine($"{messages,8}  {queue}");
    if (queues.Count == 0) Console.WriteLine("no error queues");
    return 0;
}

async Task<int> ReplayErrors(string queue)
{
    var moved = await ErrorQueuesOf().ReplayAsync(queue, int.Parse(Option("--max") ?? int.MaxValue.ToString()));
    Console.WriteLine($"moved {moved} message(s) from {queue} back to {queue[..^ErrorQueues.Suffix.Length]}");
    return 0;
}

async Task<int> PrintToken(string clientId)
{
    Console.WriteLine(await Identity(clientId).GetTokenAsync());
    return 0;
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Usage()
{
    Console.Error.WriteLine("usage: complaints health [address...] | complaints token CLIENT_ID | complaints errors list | complaints errors replay QUEUE [--max N] | complaints audit (history|export|verify|reads) ... [--audit URL] | complaints triage-eval CORPUS [--rules FILE] [--misses] [--cv-only] | complaints triage-train CORPUS --writers FILE --rules FILE --out FILE | complaints triage-corrections --from T --to T --out FILE [--as CLIENT_ID] | complaints desk-demo | complaints read-probe [--repeats N] [--customer ID] | complaints demo [--intake URL] [--timeout SECONDS] [--issuer URL]");
    return 2;
}

async Task<int> Health(string?[] addresses)
{
    if (addresses is [null])
        addresses = ["http://127.0.0.1:5101", "http://127.0.0.1:5102", "http://127.0.0.1:5103", "http://127.0.0.1:5104", "http://127.0.0.1:5105"];
    var allServing = true;
    foreach (var address in addresses)
    {
        using var channel = GrpcChannel.ForAddress(address!);
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            Console.WriteLine($"{address}: {reply.Status}");
            allServing &= reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException ex)
        {
            Console.WriteLine($"{address}: unreachable ({ex.StatusCode})");
            allServing = false;
        }
    }
    return allServing ? 0 : 1;
}

async Task<int> Demo()
{
    // Without a token nothing is answered.
    using (var anonymous = GrpcChannel.ForAddress(intakeAddress))
    {
        try
        {
            await new Intake.IntakeClient(anonymous).GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.Empty.ToString() });
            Console.Error.WriteLine("An anonymous call was answered: authentication is off!");
            return 1;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            Console.WriteLine($"Anonymous call refused: {ex.StatusCode} ({ex.Status.Detail})");
        }
    }

    // The phone channel system files and follows its own complaint, with its own token.
    using var channel = AuthenticatedChannel.Retrying(intakeAddress, Identity("channel-phone"));
    var intake = new Intake.IntakeClient(channel);

    // Seed 004's bank case: a broken ATM with no notice, one window open at lunch, a rude duty manager.
    var request = new FileComplaintRequest
    {
        Channel = Channel.RegulatorHotline,
        Customer = new Customer { CustomerId = "CUST-004", Name = "王先生", Phone = "+86 138 0000 0004" },
        Description = "中午去网点取钱，自助取款机坏了也没有任何告示，只开了一个窗口，排了四十分钟。值班经理态度很差，说“你爱等不等”。我已经打了银监热线投诉。",
        IncidentTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)),
        Subject = new Subject { AccountRef = "6222-0000-0004" },
        Requests = { CustomerRequest.Apology, CustomerRequest.Explanation },
        ObservedEmotion = EmotionLevel.Angry,
        ChannelReference = "HOTLINE-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"),
        IdempotencyKey = Guid.NewGuid().ToString("N"),
    };

    Console.WriteLine($"Filing a complaint through {request.Channel} at {intakeAddress} ...");
    var stopwatch = Stopwatch.StartNew();
    var filed = await intake.FileComplaintAsync(request);
    Console.WriteLine($"Filed {filed.ComplaintNumber} (id {filed.ComplaintId}) in {stopwatch.ElapsedMilliseconds} ms");
    Console.WriteLine($"Promise: first response by {filed.FirstResponseDue.ToDateTimeOffset():u}, resolution by {filed.ResolutionDue.ToDateTimeOffset():u}" +
                      (filed.Repeat ? $" (repeat complaint; {filed.EarlierComplaintIds.Count} earlier)" : ""));

    GetComplaintResponse complaint;
    do
    {
        complaint = await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        if (complaint.Status == ComplaintStatus.Assigned) break;
        await Task.Delay(200);
    } while (stopwatch.Elapsed < timeout);

    Console.WriteLine($"Status: {complaint.Status} after {stopwatch.ElapsedMilliseconds} ms: {complaint.Category}, priority {complaint.Priority}, " +
                      $"team {complaint.Team}, {complaint.Tier} {complaint.AgentId}, first response due {complaint.FirstResponseDue?.ToDateTimeOffset():u}");
    if (complaint.Status != ComplaintStatus.Assigned)
    {
        Console.Error.WriteLine($"The complaint was not assigned within {timeout.TotalSeconds} s; check the routing service and RabbitMQ.");
        return 1;
    }

    // The agent's side (resolution) and the customer's follow-up (followup).
    // The assigned agent signs in as themselves: the platform records them as the actor, from the token.
    var agent = Identity(complaint.AgentId);
    using var resolutionChannel = AuthenticatedChannel.Retrying(Option("--resolution") ?? "http://127.0.0.1:5103", agent);
    using var followupChannel = AuthenticatedChannel.Retrying(Option("--followup") ?? "http://127.0.0.1:5104", agent);
    var resolution = new Resolution.ResolutionClient(resolutionChannel);
    var followup = new Followup.FollowupClient(followupChannel);
    Console.WriteLine($"Working the case as {agent.ClientId} (role agent, from the token)");

    var vague = await resolution.CheckWordingAsync(new CheckWordingRequest { Message = "这不是我们的责任，我们会尽快处理。" });
    Console.WriteLine($"Wording check of a draft: {string.Join("; ", vague.Violations.Select(v => $"\"{v.Phrase}\" ({v.Kind}) -> {v.Preferred}"))}");
    await resolution.SendFirstResponseAsync(new SendFirstResponseRequest
    {
        ComplaintId = filed.ComplaintId, Channel = "phone",
        Message = "王先生，非常抱歉让您久等并受到不礼貌的对待。我来协调网点跟进，2小时内给您书面答复，我的工号是1024。",
    });
    await resolution.RecordFindingAsync(new RecordFindingRequest
    {
        ComplaintId = filed.ComplaintId, Finding = "ATM out of order since 11:00 without a notice; one window open over lunch; the duty manager was rude.",
    });
    var remedy = await resolution.ProposeRemedyAsync(new ProposeRemedyRequest
    {
        ComplaintId = filed.ComplaintId, Kind = RemedyKind.Apology, Description = "Written apology from the branch manager; notice board and lunch-hour window rota fixed",
    });
    await resolution.RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
    {
        ComplaintId = filed.ComplaintId, RemedyId = remedy.RemedyId, Accepted = true, ConfirmationChannel = "sms",
        Confirmation = "王先生：按今天电话中的约定，网点负责人将于明天12:00前向您书面致歉，网点已增设故障告示并调整午间窗口安排。",
    });
    for (var i = 0; i < 50 && !(await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId }))
             .History.Any(h => h.EventType == "callback_scheduled"); i++)
        await Task.Delay(200);
    var survey = await followup.RecordSurveyAsync(new RecordSurveyRequest
    {
        ComplaintId = filed.ComplaintId, Timeliness = 4, Solution = 4, Attitude = 5, Nps = 8, Comment = "处理及时，态度很好。",
    });
    Console.WriteLine($"Follow-up survey: {survey.Outcome}");

    // An analyst reads the same complaint with the customer's personal data masked.
    using (var analystChannel = AuthenticatedChannel.Retrying(intakeAddress, Identity("analyst-01")))
    {
        var masked = await new Intake.IntakeClient(analystChannel).GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Console.WriteLine($"As analyst-01 ({masked.PersonalData}): customer {masked.CustomerName}, phone {masked.CustomerPhone}, description {masked.Description}");
    }

    complaint = await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
    Console.WriteLine($"As channel-phone ({complaint.PersonalData}): customer {complaint.CustomerName}, phone {complaint.CustomerPhone}");
    Console.WriteLine("History (stored sealed; revealed for this reader):");
    foreach (var entry in complaint.History)
        Console.WriteLine($"  v{entry.Version} {entry.RecordedAt.ToDateTimeOffset():O} {entry.EventType}\n      {entry.DataJson}");
    if (!complaint.History.Any(h => h.EventType == "complaint_closed")) return 1;

    // An auditor replays it as filed, exports it with its seals, and verifies the file offline.
    Console.WriteLine("As auditor-01: the complaint as it stood at version 1, then exported and verified offline:");
    var audit = new Complaints.Cli.AuditCommands(["audit", "history", filed.ComplaintNumber, "--at-version", "1"], Identity, auditAddress);
    if (await audit.RunAsync() != 0) return 1;
    var export = Path.Combine(Path.GetTempPath(), $"complaint-{filed.ComplaintNumber}.jsonl");
    if (await new Complaints.Cli.AuditCommands(["audit", "export", "--complaint", filed.ComplaintNumber, "--out", export], Identity, auditAddress).RunAsync() != 0) return 1;
    return await new Complaints.Cli.AuditCommands(["audit", "verify", export], Identity, auditAddress).RunAsync();
}
