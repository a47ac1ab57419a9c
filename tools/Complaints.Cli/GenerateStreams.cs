using System.Diagnostics;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Complaints.Cli;

/// <summary>
/// <c>complaints generate-streams</c>: writes the event stream behind every generated complaint
/// (eng/scale-generate.sh's SCALE-* facts that have none yet), fast, with PostgreSQL's binary COPY:
/// filed (personal data sealed under a data key of the customer's own), triaged, routed, assigned,
/// first response, a breach and escalation where the facts have one, and for resolved complaints the
/// remedy, its acceptance, the resolution and its written confirmation, a call-back, the survey and
/// the closure. Events are serialised by the services' own Marten configuration, so the services
/// read, fold and rebuild from them like any other. The relay is moved past them: a year of history
/// was published when it happened. Run it with the platform stopped and the relay caught up.
/// </summary>
public sealed class GenerateStreams
{
    private const int BatchSize = 5_000;
    private static readonly string Schema = ComplaintsSettings.EventStoreSchema;
    private const string Relay = "complaint-event-relay:All";

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddComplaintsEventStore();
        await using var app = builder.Build();
        var store = (DocumentStore)app.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var protector = app.Services.GetRequiredService<PersonalDataProtector>();
        var database = app.Services.GetRequiredService<NpgsqlDataSource>();

        await using (var check = database.CreateCommand(
            $"select (select coalesce(max(seq_id), 0) from {Schema}.mt_events), (select last_seq_id from {Schema}.mt_event_progression where name = '{Relay}')"))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            if (!reader.IsDBNull(1) && reader.GetInt64(1) < reader.GetInt64(0))
            {
                Console.Error.WriteLine($"The relay has published up to event {reader.GetInt64(1)} of {reader.GetInt64(0)}: start the platform until it catches up, stop it, then generate.");
                return 1;
            }
        }

        var writer = new StreamWriter(store, protector);
        var started = Stopwatch.GetTimestamp();
        long complaints = 0, events = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = new List<JsonElement>(BatchSize);
            await using (var query = database.CreateCommand($"""
                select d.id, d.data from {Schema}.mt_doc_complaintfacts d
                where d.id > $1 and d.data->>'CustomerId' like 'SCALE-%' and not exists (select 1 from {Schema}.mt_streams s where s.id = d.id)
                order by d.id limit {BatchSize}
                """))
            {
                query.Parameters.Add(new NpgsqlParameter { Value = after });
                await using var reader = await query.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    after = reader.GetGuid(0);
                    batch.Add(JsonDocument.Parse(reader.GetString(1)).RootElement);
                }
            }
            if (batch.Count == 0) break;
            await using var connection = await database.OpenConnectionAsync();
            events += await writer.WriteAsync(connection, batch);
            complaints += batch.Count;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Write($"\r{complaints:N0} complaints, {events:N0} events, {events / seconds:N0} events/s   ");
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"\nwrote the streams of {complaints:N0} complaints ({events:N0} events) in {elapsed:0.0} s = {complaints / Math.Max(elapsed, 0.001):N0} complaints/s, {events / Math.Max(elapsed, 0.001):N0} events/s");
        return 0;
    }

    /// <summary>Turns one generated complaint's facts into its events and copies them in.</summary>
    private sealed class StreamWriter(DocumentStore store, PersonalDataProtector protector)
    {
        private readonly Dictionary<string, CustomerCipher> ciphers = new(StringComparer.Ordinal);
        private readonly Marten.ISerializer serializer = store.Options.Serializer();

        private sealed record Appended(Guid StreamId, int Version, object Data, DateTimeOffset At, string Actor, string Role);

        public async Task<long> WriteAsync(NpgsqlConnection connection, IReadOnlyList<JsonElement> batch)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var newKeys = new List<CustomerDataKey>();
            var appended = new List<Appended>();
            var streams = new List<(Guid Id, int Version, DateTimeOffset Created, DateTimeOffset Last)>();
            foreach (var facts in batch)
            {
                var customerId = facts.GetProperty("CustomerId").GetString()!;
                if (!ciphers.TryGetValue(customerId, out var cipher))
                {
                    cipher = await ExistingCipherAsync(connection, customerId);
                    if (cipher is null)
                    {
                        var (document, created) = protector.NewKey(customerId);
                        newKeys.Add(document);
                        cipher = created;
                    }
                    ciphers[customerId] = cipher;
                }
                var events = Lifecycle(facts, cipher);
                var id = facts.GetProperty("Id").GetGuid();
                for (var i = 0; i < events.Count; i++) appended.Add(new Appended(id, i + 1, events[i].Data, events[i].At, events[i].Actor, events[i].Role));
                streams.Add((id, events.Count, events[0].At, events[^1].At));
            }

            await using (var keys = await connection.BeginBinaryImportAsync(
                $"copy {Schema}.mt_doc_customerdatakey (id, data, mt_last_modified, mt_version, mt_dotnet_type) from stdin (format binary)"))
            {
                foreach (var key in newKeys)
                {
                    await keys.StartRowAsync();
                    await keys.WriteAsync(key.Id, NpgsqlDbType.Uuid);
                    await keys.WriteAsync(serializer.ToJson(key), NpgsqlDbType.Jsonb);
                    await keys.WriteAsync(key.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    await keys.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
                    await keys.WriteAsync(typeof(CustomerDataKey).FullName!, NpgsqlDbType.Varchar);
                }
                await keys.CompleteAsync();
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                $"copy {Schema}.mt_streams (id, version, timestamp, created, tenant_id, compacted_version, is_archived) from stdin (format binary)"))
            {
                foreach (var (id, version, created, last) in streams)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync((long)version, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(last.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(created.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                }
                await copy.CompleteAsync();
            }

            // Sequence numbers in order of time within the batch, as the services would have appended them.
            var sequence = new List<long>(appended.Count);
            await using (var numbers = new NpgsqlCommand($"select nextval('{Schema}.mt_events_sequence') from generate_series(1, {appended.Count})", connection, transaction))
            await using (var reader = await numbers.ExecuteReaderAsync())
                while (await reader.ReadAsync()) sequence.Add(reader.GetInt64(0));
            await using (var copy = await connection.BeginBinaryImportAsync(
                $"copy {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived) from stdin (format binary)"))
            {
                var i = 0;
                foreach (var e in appended.OrderBy(e => e.At).ThenBy(e => e.Version))
                {
                    var mapping = ((Marten.Events.EventGraph)store.Options.Events).EventMappingFor(e.Data.GetType());
                    await copy.StartRowAsync();
                    await copy.WriteAsync(sequence[i++], NpgsqlDbType.Bigint);
                    await copy.WriteAsync(Guid.CreateVersion7(e.At), NpgsqlDbType.Uuid);
                    await copy.WriteAsync(e.StreamId, NpgsqlDbType.Uuid);
                    await copy.WriteAsync((long)e.Version, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(serializer.ToJson(e.Data), NpgsqlDbType.Jsonb);
                    await copy.WriteAsync(mapping.EventTypeName, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(e.At.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(mapping.DotNetTypeName, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["actor"] = e.Actor, ["actor_role"] = e.Role }), NpgsqlDbType.Jsonb);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                }
                await copy.CompleteAsync();
            }
            // History is published when it happens: the relay (and the daemon's high-water mark) start after it.
            await using (var progression = new NpgsqlCommand(
                $"update {Schema}.mt_event_progression set last_seq_id = greatest(last_seq_id, $1) where name in ('{Relay}', 'HighWaterMark')", connection, transaction))
            {
                progression.Parameters.Add(new NpgsqlParameter { Value = sequence.Count == 0 ? 0 : sequence.Max() });
                await progression.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            return appended.Count;
        }

        private async Task<CustomerCipher?> ExistingCipherAsync(NpgsqlConnection connection, string customerId)
        {
            await using var command = new NpgsqlCommand($"select id from {Schema}.mt_doc_customerdatakey where data->>'CustomerId' = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = customerId });
            return await command.ExecuteScalarAsync() is Guid keyId ? await protector.CipherAsync(keyId, CancellationToken.None) : null;
        }

        private static DateTimeOffset? At(JsonElement facts, string name) =>
            facts.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : null;

        /// <summary>The events a complaint with these facts went through, in order, with who did each.</summary>
        private static List<(object Data, DateTimeOffset At, string Actor, string Role)> Lifecycle(JsonElement facts, CustomerCipher cipher)
        {
            var id = facts.GetProperty("Id").GetGuid();
            var number = facts.GetProperty("ComplaintNumber").GetString()!;
            var filedAt = At(facts, "FiledAt")!.Value;
            var team = facts.GetProperty("Team").GetString()!;
            var agent = facts.GetProperty("Agent").GetString()!;
            var category = facts.GetProperty("Category").GetString()!;
            var firstResponseDue = filedAt.AddHours(1);
            var resolutionDue = filedAt.AddDays(2);
            var events = new List<(object, DateTimeOffset, string, string)>
            {
                (new ComplaintFiled(id, number, "phone", facts.GetProperty("CustomerId").GetString()!,
                    cipher.Protect(PersonalField.Name, "王小明"), cipher.Protect(PersonalField.Phone, "13800000000"),
                    cipher.Protect(PersonalField.Email, "customer@example.com"),
                    cipher.Protect(PersonalField.Text, $"订单{number}的问题一直没有解决，我已经打了三次电话，请尽快给我一个答复。"), filedAt.AddDays(-1), filedAt)
                {
                    FiledBy = "channel-phone", CustomerKeyId = cipher.KeyId, SubjectKey = facts.GetProperty("SubjectKey").GetString()!,
                    Requests = ["explanation", "fix"], IsRepeat = facts.GetProperty("Repeat").GetBoolean(),
                    FirstResponseDue = firstResponseDue, ResolutionDue = resolutionDue,
                }, filedAt, "channel-phone", "channel"),
                (new ComplaintTriaged(id, category, facts.GetProperty("Kind").GetString()!, "negotiating", "dissatisfied", ["explanation"], [],
                    facts.GetProperty("Priority").GetString()!, false,
                    [new TriageDecision("category", category, "model", "generated history") { Confidence = 0.9 }], filedAt.AddSeconds(1))
                    { Motive = "explanation", Confidence = 0.9 }, filedAt.AddSeconds(1), "routing.triage", "system"),
                (new ComplaintRouted(id, team, $"category {category} -> {team}", filedAt.AddSeconds(1)), filedAt.AddSeconds(1), "routing.triage", "system"),
                (new ComplaintAssigned(id, team, agent, "agent", "least open load", firstResponseDue, resolutionDue, filedAt.AddSeconds(1)), filedAt.AddSeconds(1), "routing.triage", "system"),
            };
            if (At(facts, "FirstResponseAt") is { } responded)
                events.Add((new FirstResponseSent(id, agent, "phone", cipher.Protect(PersonalField.Text, "您好，我是工号1024的客服，我已经收到您的投诉，会在两小时内给您答复。"), responded), responded, agent, "agent"));
            if (facts.GetProperty("SlaBreaches").GetInt32() > 0)
            {
                // Before the resolution, if there is one: the breach is what escalated it.
                var due = At(facts, "FirstResolvedAt") is { } later && later.AddMinutes(-30) < resolutionDue ? later.AddMinutes(-30) : resolutionDue;
                events.Add((new SlaBreached(id, "resolution", due, "agent", due.AddMinutes(1)), due.AddMinutes(1), "routing.sla", "system"));
                events.Add((new ComplaintEscalated(id, "agent", "supervisor", "resolution deadline breached", $"sup-{team}", due.AddMinutes(1)), due.AddMinutes(1), "routing.sla", "system"));
            }
            if (At(facts, "FirstResolvedAt") is { } resolved)
            {
                var remedy = Guid.CreateVersion7(resolved);
                var amount = facts.GetProperty("RemedyAmount").GetDecimal();
                events.Add((new RemedyProposed(id, remedy, facts.GetProperty("RemedyKind").GetString()!, amount, facts.GetProperty("RemedyCurrency").GetString()!,
                    "Refund of the fee charged in error", agent, "agent", null, "", resolved.AddMinutes(-10)), resolved.AddMinutes(-10), agent, "agent"));
                events.Add((new RemedyAccepted(id, remedy, agent, "phone", resolved), resolved, agent, "agent"));
                events.Add((new ComplaintResolved(id, remedy, agent, resolved), resolved, agent, "agent"));
                events.Add((new ResolutionConfirmed(id, cipher.Protect(PersonalField.Text, $"退款{amount}元将在三个工作日内退回原支付账户。"), agent, "sms", resolved), resolved, agent, "agent"));
                events.Add((new CallbackScheduled(id, resolved.AddDays(3), resolved.AddSeconds(1)), resolved.AddSeconds(1), "followup.callback-scheduling", "system"));
                var closed = At(facts, "ClosedAt");
                if (facts.GetProperty("Surveyed").GetBoolean())
                {
                    var surveyedAt = closed ?? resolved.AddDays(3);
                    events.Add((new SurveyRecorded(id, agent, facts.GetProperty("Timeliness").GetInt32(), facts.GetProperty("Solution").GetInt32(),
                        facts.GetProperty("Attitude").GetInt32(), facts.GetProperty("Nps").GetInt32(), cipher.Protect(PersonalField.Text, "处理得还可以"),
                        facts.GetProperty("Satisfied").GetBoolean(), surveyedAt), surveyedAt, agent, "agent"));
                }
                if (closed is { } at) events.Add((new ComplaintClosed(id, at), at, agent, "agent"));
            }
            return [.. events.OrderBy(e => e.Item2)]; // stable: same-instant events keep their causal order
        }
    }
}
