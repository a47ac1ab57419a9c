using System.Collections.Concurrent;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Complaints.Tests.Integration.Security;

/// <summary>
/// A marker in every personal field and every piece of staff's free text about the customer (the
/// description, name, email, order and account references, attachment names and links, notes,
/// findings, remedy descriptions, approval, reassignment, escalation, correction and hand-back
/// reasons) is nowhere in clear: not in any table of the database, not in the messages published to
/// RabbitMQ, not in the services' logs. What a person with the right to read it sees stays readable.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PersonalDataMarkerTests(PlatformFixture platform)
{
    private sealed class PublishedMessages : IPublishObserver
    {
        public ConcurrentQueue<(Type Type, string Json)> All { get; } = new();
        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            All.Enqueue((context.Message.GetType(), JsonSerializer.Serialize<object>(context.Message)));
            return Task.CompletedTask;
        }
        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    [Fact]
    public async Task A_marker_in_every_personal_field_and_staff_text_is_in_no_table_message_or_log()
    {
        var marker = $"MRK{Guid.NewGuid():N}"[..15];
        var published = new PublishedMessages();
        using var observing = platform.IntakeApp.Services.GetRequiredService<IBus>().ConnectPublishObserver(published);

        var request = Requests.Valid(Channel.Email, $"I was charged a fee twice on my bill. {marker} description.");
        request.Customer.Name = $"Li {marker}";
        request.Customer.Email = $"{marker.ToLowerInvariant()}@example.com";
        request.Subject = new Subject { OrderRef = $"ORD-{marker}", AccountRef = $"ACC-{marker}" };
        request.Attachments.Add(new Attachment { FileName = $"bill-{marker}.pdf", ContentType = "application/pdf", SizeBytes = 1024, Uri = $"https://files.example.com/{marker}/bill.pdf" });
        var filed = await platform.Intake.FileComplaintAsync(request);
        var id = filed.ComplaintId;
        var assigned = await platform.WaitForComplaintAsync(id, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        Assert.Equal("billing", assigned.Team);

        // The supervisor moves the case to the other agent, who works it.
        var agent = assigned.AgentId == "bill-01" ? "bill-02" : "bill-01";
        await platform.RoutingAs("sup-billing").ReassignCaseAsync(new ReassignCaseRequest { ComplaintId = id, AgentId = agent, Reason = $"{marker} reassignment reason" });
        await platform.RoutingAs(agent).CorrectTriageAsync(new CorrectTriageRequest { ComplaintId = id, Kind = "attitude", Reason = $"{marker} correction reason" });
        var resolution = platform.ResolutionAs(agent);
        await PlatformFixture.UntilAsync(async () => (await resolution.ListWholeQueueAsync(new ListQueueRequest())).Entries.Any(e => e.ComplaintId == id),
            "the case is in the new agent's queue");
        await resolution.RecordContactAsync(new RecordContactRequest { ComplaintId = id, Channel = "phone", Reached = true, Note = $"{marker} contact note" });
        await resolution.RecordFindingAsync(new RecordFindingRequest { ComplaintId = id, Finding = $"{marker} finding" });
        var task = await resolution.HandToDepartmentAsync(new HandToDepartmentRequest { ComplaintId = id, Department = "finance", Request = $"{marker} department request" });
        await resolution.RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest { ComplaintId = id, TaskId = task.TaskId, Reason = $"{marker} hand-back reason" });
        var remedy = await resolution.ProposeRemedyAsync(new ProposeRemedyRequest { ComplaintId = id, Kind = RemedyKind.Refund, Amount = "500", Description = $"{marker} remedy description" });
        Assert.Equal("supervisor", remedy.RequiresApprovalFrom);
        await platform.ResolutionAs("sup-billing").DecideApprovalAsync(new DecideApprovalRequest { ComplaintId = id, RemedyId = remedy.RemedyId, Approve = true, Reason = $"{marker} approval reason" });
        await platform.RoutingAs("sup-billing").EscalateCaseAsync(new EscalateCaseRequest { ComplaintId = id, ToTier = EscalationTier.Manager, Reason = $"{marker} escalation reason" });

        // The relay has announced the last of them (so every earlier event was published or announced too).
        await PlatformFixture.UntilAsync(() => Task.FromResult(published.All.Any(m => m.Type == typeof(ComplaintsChanged) && m.Json.Contains(id) && m.Json.Contains(nameof(ComplaintEscalated)))),
            "the relay announces the escalation");

        // Readable by whoever may read it: the manager sees the texts in clear.
        var history = string.Join("\n", (await platform.IntakeAs("mgr-care").GetComplaintAsync(new GetComplaintRequest { ComplaintId = id })).History.Select(h => h.DataJson));
        foreach (var text in new[] { "reassignment reason", "correction reason", "contact note", "hand-back reason", "remedy description", "approval reason", "escalation reason" })
            Assert.Contains($"{marker} {text}", history);

        // Nowhere in clear: every table, every message, every log line.
        var found = new List<string>();
        await using (var connection = new NpgsqlConnection(platform.PostgresConnectionString))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            Assert.Contains(tables, t => t.EndsWith(".mt_events", StringComparison.Ordinal));
            foreach (var table in tables)
            {
                await using var search = new NpgsqlCommand($"select count(*) from {table} t where t::text ilike @marker", connection);
                search.Parameters.AddWithValue("marker", $"%{marker}%");
                if ((long)(await search.ExecuteScalarAsync())! > 0) found.Add($"table {table}");
            }
        }
        Assert.NotEmpty(published.All);
        found.AddRange(published.All.Where(m => m.Json.Contains(marker, StringComparison.OrdinalIgnoreCase)).Select(m => $"message {m.Type.Name}: {m.Json}"));
        found.AddRange(platform.Warnings.All().Where(l => l.Contains(marker, StringComparison.OrdinalIgnoreCase)).Select(l => $"log: {l}"));
        Assert.True(found.Count == 0, "personal data in clear:\n" + string.Join("\n", found));
    }
}
