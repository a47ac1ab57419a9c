using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Intake.Audit;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Complaints.Tests.Unit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using AuditStatus = Complaints.Contracts.Audit.V1.ComplaintStatus;

namespace Complaints.Tests.Integration.Audit;

/// <summary>
/// What an auditor does, on the real platform: replays a complaint to any version or instant,
/// exports it, verifies it offline and in the store, catches tampering done with SQL, and sees
/// who read customers' personal data.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Schema = ComplaintsSettings.EventStoreSchema;

    /// <summary>A complaint taken to closure; returns once its stream is complete.</summary>
    private async Task<(string Id, string Agent, FileComplaintRequest Request)> ClosedAsync()
    {
        var request = Requests.Valid();
        var (id, agent) = await Journeys.ResolvedAsync(platform, request);
        await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "callback_scheduled"), Timeout);
        await platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = id, Timeliness = 5, Solution = 4, Attitude = 5, Nps = 9 });
        await platform.WaitForComplaintAsync(id, c => c.Status == Contracts.Intake.V1.ComplaintStatus.Closed, Timeout);
        await ReactionsAppendedAsync(Guid.Parse(id));
        return (id, agent, request);
    }

    /// <summary>
    /// The platform's own reactions land in the stream after the change they answer, through the
    /// relay: routing may move the resolution date at assignment, and resolution tells the customer
    /// in a notice appended later, possibly after the closure. The stream is complete once every
    /// moved date has its notice.
    /// </summary>
    private async Task ReactionsAppendedAsync(Guid id)
    {
        using var store = Store();
        await PlatformFixture.UntilAsync(async () =>
        {
            await using var session = store.QuerySession();
            var events = await session.Events.FetchStreamAsync(id);
            var noticed = events.Select(e => e.Data).OfType<Contracts.Events.CustomerNotified>().Select(n => n.AboutVersion).ToHashSet();
            return events.Where(e => e.Data is Contracts.Events.ResolutionDueChanged).All(e => noticed.Contains(e.Version));
        }, "every moved resolution date noticed to the customer", Timeout);
    }

    /// <summary>The test's own reading of the event store, to fold independently of the service.</summary>
    private IDocumentStore Store() => DocumentStore.For(options =>
    {
        options.Connection(platform.PostgresConnectionString);
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.None;
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.AddEventTypes(ComplaintStreamEvents.All);
        options.Projections.Add(new ComplaintLifeFold(), JasperFx.Events.Projections.ProjectionLifecycle.Live);
    });

    private Task<VerifyComplaintsResponse> VerifyAsync(string id) =>
        platform.Auditor.VerifyComplaintsAsync(new VerifyComplaintsRequest { Scope = new ComplaintScope { Complaint = id } }).ResponseAsync;

    private async Task<List<string>> ExportAsync(ComplaintScope scope)
    {
        using var call = platform.Auditor.ExportComplaints(new ExportComplaintsRequest { Scope = scope });
        var lines = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) lines.AddRange(call.ResponseStream.Current.Lines);
        return lines;
    }

    [Fact]
    public async Task The_state_at_every_version_is_the_fold_of_the_events_up_to_it_and_as_of_between_two_events_gives_the_earlier()
    {
        var (id, _, _) = await ClosedAsync();
        using var store = Store();
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(Guid.Parse(id));
        Assert.True(events.Count >= 10, $"the journey has {events.Count} events");

        var seen = new HashSet<AuditStatus>();
        for (var version = 1; version <= events.Count; version++)
        {
            var expected = ComplaintLife.Fold(Guid.Parse(id), events.Take(version).Select(e => (e.Version, e.Data)))!;
            var at = await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id, AtVersion = version });
            var state = at.State;
            Assert.Equal(version, at.History.Count);
            Assert.Equal(version, state.Version);
            Assert.Equal(ComplaintHistoryHandler.Status(expected.Stage), state.Status);
            Assert.Equal((expected.Owner ?? "", expected.Tier, expected.Team, expected.Category, expected.Priority),
                (state.Owner, state.Tier, state.Team, state.Category, state.Priority));
            Assert.Equal(expected.Remedies.Values.Select(r => (r.Id.ToString(), (int)r.Stage + 1)), state.Remedies.Select(r => (r.RemedyId, (int)r.Status)));
            Assert.Equal((expected.ResolvedAt is not null, expected.ClosedAt is not null, expected.Survey is not null),
                (state.ResolvedAt is not null, state.ClosedAt is not null, state.Survey is not null));
            seen.Add(state.Status);
        }
        Assert.Superset(new HashSet<AuditStatus> { AuditStatus.Filed, AuditStatus.Assigned, AuditStatus.FirstResponseSent, AuditStatus.AwaitingCustomer, AuditStatus.Resolved, AuditStatus.Closed }, seen);
        var byNumber = await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = events[0].Data is Contracts.Events.ComplaintFiled f ? f.ComplaintNumber : "" });
        Assert.Equal((id, AuditStatus.Closed, "李女士"), (byNumber.State.ComplaintId, byNumber.State.Status, byNumber.State.CustomerName));

        // Between two events recorded at different instants: the earlier state.
        var step = Enumerable.Range(1, events.Count - 1).First(i => events[i].Timestamp > events[i - 1].Timestamp);
        var between = events[step - 1].Timestamp + (events[step].Timestamp - events[step - 1].Timestamp) / 2;
        var asOf = await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id, AsOf = Timestamp.FromDateTimeOffset(between) });
        Assert.Equal(step, asOf.State.Version);
        Assert.Equal(step, asOf.History.Count);

        var before = await Assert.ThrowsAsync<RpcException>(() => platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest
        {
            Complaint = id, AsOf = Timestamp.FromDateTimeOffset(events[0].Timestamp.AddSeconds(-1)),
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, before.StatusCode);
        var beyond = await Assert.ThrowsAsync<RpcException>(() => platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id, AtVersion = events.Count + 1 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, beyond.StatusCode);
        Assert.Contains("at_version", beyond.Status.Detail);
    }

    [Fact]
    public async Task Every_event_says_who_which_request_and_what_caused_it_and_is_sealed_within_seconds()
    {
        var (id, agent, _) = await ClosedAsync();
        GetComplaintHistoryResponse history = null!;
        await PlatformFixture.UntilAsync(async () =>
        {
            history = await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id });
            return history.History.All(e => e.GlobalSeal.Length == 64);
        }, "every event sealed", TimeSpan.FromSeconds(30));

        Assert.All(history.History, e => Assert.False(string.IsNullOrEmpty(e.Actor), $"{e.EventType} has no actor"));
        Assert.All(history.History, e => Assert.False(string.IsNullOrEmpty(e.CorrelationId), $"{e.EventType} has no correlation id"));
        var filed = history.History.Single(e => e.EventType == "complaint_filed");
        Assert.Equal(("channel-phone", "channel"), (filed.Actor, filed.ActorRole));
        Assert.StartsWith("00-", filed.TraceParent);
        var triaged = history.History.Single(e => e.EventType == "complaint_triaged");
        Assert.Equal(("routing.triage", "system", filed.EventId), (triaged.Actor, triaged.ActorRole, triaged.CausationId));
        var response = history.History.Single(e => e.EventType == "first_response_sent");
        Assert.Equal((agent, "agent"), (response.Actor, response.ActorRole));
        Assert.Equal(history.History.Count, history.History.Select(e => e.StreamSeal).Distinct().Count());
    }

    [Fact]
    public async Task An_export_verifies_offline_and_still_does_after_the_customer_is_erased()
    {
        var (id, _, request) = await ClosedAsync();
        // The export holds every event of the complaint at the time; a consumer's late event (a
        // sweeper's, say) may land just after it, so export again until the two agree.
        List<string> file = [];
        VerificationResult result = null!;
        var events = -1;
        var types = "";
        await PlatformFixture.UntilAsync(async () =>
        {
            file = await ExportAsync(new ComplaintScope { Complaint = id });
            result = AuditVerifier.Verify(AuditExportFile.Read(file), platform.AuditSigningKey.ExportSubjectPublicKeyInfo());
            Assert.True(result.Ok, result.FirstProblem?.ToString());
            var history = (await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id })).History;
            (events, types) = (history.Count, string.Join(", ", history.Select(e => e.EventType)));
            return events == result.EventsChecked;
        }, "an export holding every event of the complaint's history");
        Assert.True(events == result.EventsChecked, $"exported {result.EventsChecked} of {events} events: {types}");
        Assert.DoesNotContain(file, line => line.Contains(request.Customer.Name) || line.Contains(request.Customer.Email));

        platform.Clock.Advance(PlatformFixture.Retention + TimeSpan.FromDays(1));
        await platform.IntakeAs("privacy-01").EraseCustomerDataAsync(new EraseCustomerDataRequest { CustomerId = request.Customer.CustomerId, Reason = "DSR-2026-31" });
        var afterErasure = await ExportAsync(new ComplaintScope { CustomerId = request.Customer.CustomerId });
        var verified = AuditVerifier.Verify(AuditExportFile.Read(afterErasure), platform.AuditSigningKey.ExportSubjectPublicKeyInfo());
        Assert.True(verified.Ok, verified.FirstProblem?.ToString());
        Assert.Equal(events + 1, verified.EventsChecked);
        var inStore = await platform.Auditor.VerifyComplaintsAsync(new VerifyComplaintsRequest { Scope = new ComplaintScope { CustomerId = request.Customer.CustomerId } });
        Assert.True(inStore.Ok, inStore.Problem);
        var state = (await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id })).State;
        Assert.Equal((true, "[erased]"), (state.PersonalDataErased, state.CustomerName));
    }

    [Fact]
    public async Task Tampering_with_SQL_is_caught_and_names_the_event()
    {
        var (id, _, _) = await ClosedAsync();
        var complaintId = Guid.Parse(id);
        Assert.True((await VerifyAsync(id)).Ok);
        await using var connection = await platform.Database.OpenConnectionAsync();
        async Task<long> Scalar(string sql) => Convert.ToInt64(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync());
        async Task Run(string sql) => await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
        var third = await Scalar($"select seq_id from {Schema}.mt_events where stream_id = '{id}' and version = 3");
        var fourth = await Scalar($"select seq_id from {Schema}.mt_events where stream_id = '{id}' and version = 4");

        async Task CaughtAsync(string tamper, string restore, long seq, string what, ComplaintScope? scope = null)
        {
            await Run($"create temp table saved_events as select * from {Schema}.mt_events where stream_id = '{id}'; " +
                      $"create temp table saved_stream as select * from {Schema}.mt_streams where id = '{id}'");
            try
            {
                await Run(tamper);
                var verdict = await platform.Auditor.VerifyComplaintsAsync(new VerifyComplaintsRequest { Scope = scope ?? new ComplaintScope { Complaint = id } });
                Assert.False(verdict.Ok, $"{what} went unnoticed");
                Assert.Equal((seq, id), (verdict.ProblemSequence, verdict.ProblemComplaintId));
                Assert.Contains($"seq {seq}", verdict.Problem);
            }
            finally
            {
                await Run(restore + "; drop table saved_events; drop table saved_stream");
            }
            var restored = await VerifyAsync(id);
            Assert.True(restored.Ok, $"after undoing {what}: {restored.Problem}");
        }

        var restoreEvents = $"delete from {Schema}.mt_events where stream_id = '{id}'; insert into {Schema}.mt_events select * from saved_events";
        await CaughtAsync($"update {Schema}.mt_events set data = jsonb_set(data, '{{amount}}', '3000') where seq_id = {third}", restoreEvents, third, "a change to an event's data");
        await CaughtAsync($"update {Schema}.mt_events set timestamp = timestamp - interval '3 days' where seq_id = {third}", restoreEvents, third, "a change to an event's time");
        await CaughtAsync($"delete from {Schema}.mt_events where seq_id = {third}", restoreEvents, third, "a deleted event");
        await CaughtAsync($"update {Schema}.mt_events set version = -1 where seq_id = {third}; update {Schema}.mt_events set version = 3 where seq_id = {fourth}; " +
                          $"update {Schema}.mt_events set version = 4 where seq_id = {third}", restoreEvents, third, "two events' versions swapped");

        // A whole stream deleted: caught when verifying the complaint, and the period it was filed in.
        var first = await Scalar($"select min(seq_id) from {Schema}.mt_events where stream_id = '{id}'");
        var dropStream = $"delete from {Schema}.mt_events where stream_id = '{id}'; delete from {Schema}.mt_streams where id = '{id}'";
        var restoreStream = $"insert into {Schema}.mt_streams select * from saved_stream; insert into {Schema}.mt_events select * from saved_events";
        await CaughtAsync(dropStream, restoreStream, first, "a deleted stream");
        var filedAt = (await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id })).State.FiledAt.ToDateTimeOffset();
        var period = new ComplaintScope { Filed = new Period { From = Timestamp.FromDateTimeOffset(filedAt.AddMilliseconds(-1)), To = Timestamp.FromDateTimeOffset(filedAt.AddMilliseconds(1)) } };
        await CaughtAsync(dropStream, restoreStream, first, "a deleted stream, verifying its period", period);
    }

    [Fact]
    public async Task The_channel_facing_intake_starts_without_the_signing_key_and_serves_no_audit_api()
    {
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var intake = Complaints.Intake.IntakeHost.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres,
                ["ConnectionStrings:RabbitMq"] = broker.ToString(),
                [ComplaintsSettings.RunEventRelayKey] = "false",
                ["Complaints:Auth:Authority"] = platform.IssuerAddress,
                ["Complaints:Auth:RequireHttpsMetadata"] = "false",
                ["Complaints:PersonalData:ActiveKeyId"] = "tests-1",
                ["Complaints:PersonalData:KeyEncryptionKeys:tests-1"] = platform.KeyEncryptionKey,
                // No Complaints:Audit:SigningKey: only the relay is given it.
            });
        });
        await intake.StartAsync();
        try
        {
            var filed = await new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(intake, "channel-phone")).FileComplaintAsync(Requests.Valid());
            Assert.NotEmpty(filed.ComplaintId);
            var audit = new Contracts.Audit.V1.Audit.AuditClient(platform.ChannelAs(intake, "auditor-01"));
            var refused = await Assert.ThrowsAsync<RpcException>(() => audit.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = filed.ComplaintId }).ResponseAsync);
            Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
        }
        finally
        {
            await intake.StopAsync();
            await intake.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_export_verifies_offline_after_its_database_is_dropped()
    {
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var app = platform.IsolatedIntakeWithRelay(postgres, broker);
        await app.StartAsync();
        List<string> file;
        string number;
        try
        {
            var filed = await new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(app, "channel-phone")).FileComplaintAsync(Requests.Valid());
            number = filed.ComplaintNumber;
            using var call = new Contracts.Audit.V1.Audit.AuditClient(platform.ChannelAs(app, "auditor-01"))
                .ExportComplaints(new ExportComplaintsRequest { Scope = new ComplaintScope { Complaint = filed.ComplaintNumber } });
            file = [];
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) file.AddRange(call.ResponseStream.Current.Lines);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        var database = new NpgsqlConnectionStringBuilder(postgres);
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"drop database {database.Database} with (force)", admin).ExecuteNonQueryAsync();
        }

        var path = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(path, file);
        try
        {
            var result = AuditVerifier.Verify(AuditExportFile.Read(await File.ReadAllLinesAsync(path)), platform.AuditSigningKey.ExportSubjectPublicKeyInfo());
            Assert.True(result.Ok, result.FirstProblem?.ToString());
            Assert.Equal(1, result.EventsChecked);

            // The same file with one character of the stored data changed no longer verifies.
            var eventLine = file.FindIndex(l => l.Contains("\"record\":\"event\""));
            var tampered = file.ToList();
            tampered[eventLine] = tampered[eventLine].Replace(number, number[..^1] + (number[^1] == '0' ? '1' : '0'));
            Assert.NotEqual(file[eventLine], tampered[eventLine]);
            var problem = AuditVerifier.Verify(AuditExportFile.Read(tampered)).FirstProblem;
            Assert.NotNull(problem);
            Assert.Equal("complaint_filed", problem.EventType);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_export_that_lost_a_complaint_or_its_last_events_or_whose_header_or_manifest_changed_does_not_verify_offline()
    {
        // Two complaints of one customer, both assigned: the customer's export holds them both.
        var first = Requests.Valid();
        var second = Requests.Valid(description: "The dryer stopped heating a week after delivery; 烘干机不加热。");
        second.Customer = first.Customer.Clone();
        var ids = new List<Guid>();
        foreach (var request in new[] { first, second })
        {
            var filed = await platform.Intake.FileComplaintAsync(request);
            await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == Contracts.Intake.V1.ComplaintStatus.Assigned, Timeout);
            ids.Add(Guid.Parse(filed.ComplaintId));
        }
        var trusted = platform.AuditSigningKey.ExportSubjectPublicKeyInfo();
        // A consumer's late event may land while exporting (see above): export again until the file is whole.
        List<string> file = [];
        VerificationResult? untampered = null;
        await PlatformFixture.UntilAsync(async () =>
        {
            file = await ExportAsync(new ComplaintScope { CustomerId = first.Customer.CustomerId });
            untampered = AuditExportTampering.Verify(file, trusted);
            return untampered.Ok;
        }, "an export of the customer's complaints that verifies");
        Assert.NotNull(untampered);
        Assert.True(untampered.Ok, untampered.FirstProblem?.ToString());
        var manifest = AuditExportFile.Read(file).Manifest!;
        Assert.Equal(ids.Order().ToList(), manifest.Complaints.Select(c => c.ComplaintId).Order().ToList());
        Assert.All(manifest.Complaints, c => Assert.True(c.LastVersion >= 2, $"{c.ComplaintId} has {c.LastVersion} events"));
        var (dropped, kept) = (manifest.Complaints[0], manifest.Complaints[1]);

        VerificationProblem Fails(List<string> tampered, string what)
        {
            var result = AuditExportTampering.Verify(tampered, trusted);
            Assert.False(result.Ok, $"{what} went unnoticed");
            return result.FirstProblem!;
        }

        // (a) A complaint dropped: its events turned into links (the global chain still holds), and gone from the header.
        var lost = Fails(AuditExportTampering.DropComplaint(file, dropped.ComplaintId), "a dropped complaint");
        Assert.Equal(dropped.ComplaintId, lost.ComplaintId);
        Assert.Contains("the file holds none of its events", lost.What);

        // (b) A complaint's last event turned into a link: its chain ends, whole, one version early.
        var lastLine = AuditExportTampering.EventLinesOf(file, kept.ComplaintId)[^1];
        var beforeLast = AuditExportFile.Read(file).Events.Where(e => e.Event.StreamId == kept.ComplaintId).OrderBy(e => e.Event.Version).SkipLast(1).Last();
        var truncated = Fails(AuditExportTampering.LastEventToLink(file, kept.ComplaintId), "a complaint's last event turned into a link");
        Assert.Equal((beforeLast.Event.Seq, kept.ComplaintId, kept.LastVersion - 1), (truncated.Seq, truncated.ComplaintId, truncated.Version));
        Assert.Contains($"the signed manifest has the complaint up to version {kept.LastVersion}", truncated.What);
        Assert.StartsWith("{\"record\":\"link\"", AuditExportTampering.LastEventToLink(file, kept.ComplaintId)[lastLine]);

        // (c) The header no longer lists a complaint whose events are still there, or names another scope.
        var unlisted = Fails(AuditExportTampering.RemoveFromHeader(file, kept.ComplaintId), "a complaint taken off the header");
        Assert.Equal(kept.ComplaintId, unlisted.ComplaintId);
        Assert.Contains("the header's complaint list is not the signed manifest's", unlisted.What);
        var rescoped = Fails(AuditExportTampering.Edit(file, "header", header => header["scope"] = "customer CUST-someone-else"), "another scope in the header");
        Assert.Contains("the header's scope", rescoped.What);

        // (d) The manifest changed to match a hidden last event, signed with another key, or removed.
        var index = manifest.Complaints.ToList().IndexOf(kept);
        var changed = Fails(AuditExportTampering.Edit(AuditExportTampering.LastEventToLink(file, kept.ComplaintId), "manifest",
            record => record["complaints"]![index]!["lastVersion"] = kept.LastVersion - 1), "a changed manifest");
        Assert.Contains("the manifest's signature does not hold", changed.What);
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var foreign = Fails(AuditExportTampering.ReplaceManifest(file,
            ExportManifest.Sign(manifest.Scope, manifest.Complaints, manifest.CheckpointSeq, DateTimeOffset.UtcNow, manifest.KeyId, other)), "a manifest signed with another key");
        Assert.Contains("the manifest is signed with a key you did not give", foreign.What);
        var missing = Fails(AuditExportTampering.Without(file, "manifest"), "a removed manifest");
        Assert.StartsWith("no signed manifest", missing.What);
    }

    [Fact]
    public async Task Every_read_of_personal_data_is_recorded_with_who_how_and_when()
    {
        var (id, agent, _) = await ClosedAsync();
        await platform.IntakeAs(agent).GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        await platform.IntakeAs("analyst-01").GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        await platform.Auditor.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = id, AtVersion = 1 });

        var reads = await platform.Auditor.ListPersonalDataReadsAsync(new ListPersonalDataReadsRequest { Complaint = id });
        var seen = reads.Reads.Select(r => (r.Reader, r.Role, r.Rpc, r.View)).ToList();
        Assert.Contains((agent, "agent", "complaints.intake.v1.Intake/GetComplaint", "clear"), seen);
        Assert.Contains(("analyst-01", "analyst", "complaints.intake.v1.Intake/GetComplaint", "masked"), seen);
        Assert.Contains(("auditor-01", "auditor", "complaints.audit.v1.Audit/GetComplaintHistory", "clear"), seen);
        Assert.All(reads.Reads, r => Assert.Equal(id, r.ComplaintId));
        Assert.True(reads.Reads.Zip(reads.Reads.Skip(1)).All(p => p.First.ReadAt.ToDateTimeOffset() >= p.Second.ReadAt.ToDateTimeOffset()), "newest first");

        var byReader = await platform.Auditor.ListPersonalDataReadsAsync(new ListPersonalDataReadsRequest { Reader = "analyst-01", Limit = 1000 });
        Assert.All(byReader.Reads, r => Assert.Equal("analyst-01", r.Reader));
        Assert.Contains(byReader.Reads, r => r.ComplaintId == id);
    }
}
