using System.Text;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using RabbitMQ.Client;

namespace Complaints.Tests.Integration.Security;

/// <summary>
/// Customers' personal data is sealed at rest and in transit between services, revealed only to
/// roles that need it, masked for the others, and erased by destroying the customer's key.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PersonalDataTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A customer whose name, phone, email and words are unique to one test, so any leak of them can be found.</summary>
    private static (FileComplaintRequest Request, string[] Secrets) UniqueCustomer(string description)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var digits = string.Concat(tag.Select(c => (char)('0' + c % 10)));
        var name = "甄" + string.Concat(tag.Take(3).Select(c => (char)('一' + c)));
        var phone = $"+86 139 {digits[..4]} {digits[4..8]}";
        var email = $"pd-{tag}@example.com";
        var words = $"My meter was read wrong, reference WORDS{tag}; the fee on my bill is double.";
        var request = Requests.Valid(Channel.Email, words);
        request.Customer = new Customer { CustomerId = $"PD-{tag}", Name = name, Phone = phone, Email = email };
        return (request, [name, $"{digits[..4]} {digits[4..8]}", email, $"WORDS{tag}"]);
    }

    private async Task<(string Id, string Agent)> FileAndAssignAsync(FileComplaintRequest request)
    {
        var filed = await platform.Intake.FileComplaintAsync(request);
        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        return (filed.ComplaintId, complaint.AgentId);
    }

    [Fact]
    public async Task A_customers_name_phone_email_and_words_are_in_no_table_message_log_or_span()
    {
        // A queue of our own on the exchanges the relay publishes to: the notices, and an event published one by one.
        var factory = new ConnectionFactory { Uri = platform.BrokerAddress };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "Complaints.Contracts.Events:FirstResponseSent", "");
        await channel.QueueBindAsync(queue, "Complaints.Contracts.Events:ComplaintsChanged", "");

        var (request, secrets) = UniqueCustomer("");
        var (id, agent) = await FileAndAssignAsync(request);
        await platform.ResolutionAs(agent).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "email",
            Message = $"Dear {request.Customer.Name}, I am sorry about the double fee. I will call you on {request.Customer.Phone} within 2 hours.",
        });

        // The readers who need it see it in clear.
        var complaint = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.Equal((request.Customer.Name, request.Customer.Phone, request.Description), (complaint.CustomerName, complaint.CustomerPhone, complaint.Description));
        Assert.Contains(request.Customer.Name, complaint.History.Single(h => h.EventType == "first_response_sent").DataJson);

        // The event published one by one on the wire, sealed, and the relay's notices of the complaint's changes (the filing's among them).
        var bodies = new List<string>();
        bool OnTheWire(string type) => bodies.Any(b => b.Contains(id) && b.Contains($"urn:message:Complaints.Contracts.Events:{type}\""));
        string[] expected = ["FirstResponseSent", "ComplaintsChanged"];
        var deadline = DateTime.UtcNow + Timeout;
        while (!expected.All(OnTheWire) && DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true);
            if (message is null) { await Task.Delay(100); continue; }
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
        }
        Assert.All(expected, type => Assert.True(OnTheWire(type), $"no {type} of the complaint on the wire"));
        Assert.All(bodies, body => Assert.DoesNotContain(secrets, body.Contains));
        Assert.Contains(bodies, body => body.Contains("pd1."));

        // Every row of every table of the store, as text.
        await using (var tables = platform.Database.CreateCommand(
                         $"select table_name from information_schema.tables where table_schema = '{ComplaintsSettings.EventStoreSchema}' and table_type = 'BASE TABLE'"))
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            var names = new List<string>();
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
            Assert.Contains("mt_events", names);
            foreach (var table in names)
            {
                foreach (var secret in secrets)
                {
                    await using var search = platform.Database.CreateCommand(
                        $"select count(*) from {ComplaintsSettings.EventStoreSchema}.{table} t where t::text like '%' || @secret || '%'");
                    search.Parameters.AddWithValue("secret", secret);
                    Assert.True((long)(await search.ExecuteScalarAsync())! == 0, $"table {table} holds '{secret}' in clear");
                }
            }
        }

        // Nor in what the services logged or traced.
        Assert.All(platform.Warnings.All(), entry => Assert.DoesNotContain(secrets, entry.Contains));
        foreach (var span in platform.Spans.Snapshot())
        {
            var text = span.DisplayName + string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}")) + string.Join(" ", span.Events.Select(e => e.Name));
            Assert.DoesNotContain(secrets, text.Contains);
        }
    }

    [Fact]
    public async Task Analysts_read_personal_data_masked_and_the_history_too()
    {
        var (request, secrets) = UniqueCustomer("");
        var (id, _) = await FileAndAssignAsync(request);

        var masked = await platform.IntakeAs("analyst-01").GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });

        Assert.Equal(PersonalDataView.Masked, masked.PersonalData);
        Assert.Equal(request.Customer.Name[..1] + "***", masked.CustomerName);
        Assert.Matches(@"^139\*+" + request.Customer.Phone[^4..] + "$", masked.CustomerPhone);
        Assert.Equal("p***@example.com", masked.CustomerEmail);
        Assert.StartsWith("[masked", masked.Description);
        Assert.All(masked.History, h => Assert.DoesNotContain(secrets, h.DataJson.Contains));
        Assert.Equal(PersonalDataView.Clear, (await platform.IntakeAs("auditor-01").GetComplaintAsync(new GetComplaintRequest { ComplaintId = id })).PersonalData);
    }

    [Fact]
    public async Task Erasure_waits_for_the_legal_hold_then_destroys_the_key_and_keeps_the_history_and_the_kpis()
    {
        // A period of our own, so that the KPIs compared are this complaint's alone.
        platform.Clock.Advance(TimeSpan.FromHours(1));
        var from = platform.Clock.GetUtcNow();
        var (request, secrets) = UniqueCustomer("");
        var (id, agent) = await FileAndAssignAsync(request);
        var privacy = platform.IntakeAs("privacy-01");
        var erase = new EraseCustomerDataRequest { CustomerId = request.Customer.CustomerId, Reason = "Customer's erasure request DSR-2026-17" };

        // Open: refused, saying why.
        var open = await Assert.ThrowsAsync<RpcException>(() => privacy.EraseCustomerDataAsync(erase).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, open.StatusCode);
        Assert.Contains("still open", open.Status.Detail);

        // Resolved, surveyed, closed; still inside the retention period: refused.
        var resolution = platform.ResolutionAs(agent);
        await resolution.SendFirstResponseAsync(new SendFirstResponseRequest { ComplaintId = id, Channel = "phone", Message = "I will check the bill and call you back within 2 hours." });
        var remedy = await resolution.ProposeRemedyAsync(new ProposeRemedyRequest { ComplaintId = id, Kind = RemedyKind.Refund, Amount = "20", Description = "Refund of the double fee" });
        await resolution.RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = true, ConfirmationChannel = "email",
            Confirmation = $"Dear {request.Customer.Name}, as agreed 20 CNY is refunded within 3 working days.",
        });
        await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "callback_scheduled"), Timeout);
        await platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest
        {
            ComplaintId = id, Timeliness = 5, Solution = 4, Attitude = 5, Nps = 9, Comment = $"Thanks, {request.Customer.Name} is happy.",
        });
        var retained = await Assert.ThrowsAsync<RpcException>(() => privacy.EraseCustomerDataAsync(erase).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, retained.StatusCode);
        Assert.Contains("retention period", retained.Status.Detail);

        var auditor = platform.IntakeAs("auditor-01");
        var before = await auditor.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.Equal("complaint_closed", before.History[^1].EventType);
        var kpiRequest = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(from.AddMinutes(1)) };
        var kpisBefore = await WaitForKpisAsync(kpiRequest, k => k.Kpis.Any(x => x.Group == "all" && x.Surveys == 1));

        // Past the retention period: erased, with who and why on the stream.
        platform.Clock.Advance(PlatformFixture.Retention + TimeSpan.FromDays(1));
        var erased = await privacy.EraseCustomerDataAsync(erase);
        Assert.Equal([id], erased.ComplaintIds);
        Assert.False(erased.AlreadyErased);
        Assert.True((await privacy.EraseCustomerDataAsync(erase)).AlreadyErased);

        var after = await auditor.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.Equal(PersonalDataView.Erased, after.PersonalData);
        Assert.Equal(["[erased]", "[erased]", "[erased]", "[erased]"], new[] { after.CustomerName, after.CustomerPhone, after.CustomerEmail, after.Description });
        Assert.Equal(before.History.Select(h => (h.EventType, h.Version)), after.History.SkipLast(1).Select(h => (h.EventType, h.Version)));
        Assert.Equal("customer_data_erased", after.History[^1].EventType);
        Assert.Contains("privacy-01", after.History[^1].DataJson);
        Assert.Contains("DSR-2026-17", after.History[^1].DataJson);
        Assert.All(after.History, h => Assert.DoesNotContain(secrets, h.DataJson.Contains));
        Assert.Contains(after.History, h => h.EventType == "resolution_confirmed" && h.DataJson.Contains("[erased]"));

        // No key material left for that customer.
        await using var keys = platform.Database.CreateCommand(
            $"select count(*) from {ComplaintsSettings.EventStoreSchema}.mt_doc_customerdatakey where data->>'CustomerId' = @customer");
        keys.Parameters.AddWithValue("customer", request.Customer.CustomerId);
        Assert.Equal(0L, (long)(await keys.ExecuteScalarAsync())!);

        // Follow-up has seen the erasure, and the KPIs are what they were.
        await WaitAsync(async () =>
        {
            await using var facts = platform.Database.CreateCommand(
                $"select (data->>'Version')::bigint from {ComplaintsSettings.EventStoreSchema}.mt_doc_complaintfacts where id = @id");
            facts.Parameters.AddWithValue("id", Guid.Parse(id));
            return (long?)await facts.ExecuteScalarAsync() == after.History[^1].Version;
        });
        Assert.Equal(kpisBefore, await platform.Followup.GetKpisAsync(kpiRequest));
    }

    private async Task<GetKpisResponse> WaitForKpisAsync(GetKpisRequest request, Func<GetKpisResponse, bool> done)
    {
        GetKpisResponse kpis = new();
        await WaitAsync(async () => done(kpis = await platform.Followup.GetKpisAsync(request)));
        return kpis;
    }

    private static Task WaitAsync(Func<Task<bool>> condition) => PlatformFixture.UntilAsync(condition, "follow-up caught up");
}
