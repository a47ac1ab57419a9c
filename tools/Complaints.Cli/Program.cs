// A small client for people: checks the services' health, files a complaint the way a channel
// system would, and shows how it moves through the platform.
//
//   complaints health [address...]
//   complaints demo   [--intake http://127.0.0.1:5101] [--timeout 60]
using System.Diagnostics;
using Complaints.Contracts.Intake.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

var command = args.FirstOrDefault() ?? "demo";
var intakeAddress = Option("--intake") ?? "http://127.0.0.1:5101";
var timeout = TimeSpan.FromSeconds(int.Parse(Option("--timeout") ?? "60"));

return command switch
{
    "health" => await Health(args.Skip(1).Where(a => a.StartsWith("http")).DefaultIfEmpty().ToArray()),
    "demo" => await Demo(),
    _ => Usage(),
};

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Usage()
{
    Console.Error.WriteLine("usage: complaints health [address...] | complaints demo [--intake URL] [--timeout SECONDS]");
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
    using var channel = GrpcChannel.ForAddress(intakeAddress);
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
    Console.WriteLine("History:");
    foreach (var entry in complaint.History)
        Console.WriteLine($"  v{entry.Version} {entry.RecordedAt.ToDateTimeOffset():O} {entry.EventType}\n      {entry.DataJson}");

    if (complaint.Status != ComplaintStatus.Assigned)
    {
        Console.Error.WriteLine($"The complaint was not assigned within {timeout.TotalSeconds} s; check the routing service and RabbitMQ.");
        return 1;
    }
    return 0;
}
