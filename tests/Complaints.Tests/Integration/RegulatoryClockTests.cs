using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>
/// Regulators' clocks (the fixture configures three on privacy complaints): each shows on the case,
/// warns before its deadline, breaches on its own calendar and no earlier, and the KPIs report
/// compliance per clock. Real routing and follow-up, fake clock.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RegulatoryClockIntegrationTests(PlatformFixture platform)
{
    // The team's board, as a manager sees it: the case stays there whoever owns it after escalations.
    private async Task<RegulatoryClock> ClockAsync(string complaintId, string name)
    {
        var board = await platform.Routing.GetWholeTeamBoardAsync(new GetTeamBoardRequest { Team = "privacy-office" });
        var found = board.Cases.FirstOrDefault(c => c.Case.ComplaintId == complaintId)?.Case.RegulatoryClocks.FirstOrDefault(c => c.Name == name);
        return found ?? throw new Xunit.Sdk.XunitException($"no clock {name} for {complaintId} on the board: {board}");
    }

    private async Task<IReadOnlyList<string>> BreachesAsync(string complaintId) =>
        (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaintId })).History
            .Where(h => h.EventType == "sla_breached").Select(h => h.DataJson).ToList();

    // A sweep that meets a consumer writing the same case backs off (it escalates nothing) and the
    // next one sees it afresh: sweep until what the step expects shows, not a fixed number of times.
    private async Task SweepUntilAsync(string complaintId, Func<Task<bool>> done, string what) =>
        await PlatformFixture.UntilAsync(async () =>
        {
            await platform.SweepSlaAsync(complaintId);
            return await done();
        }, what);

    private async Task<bool> BreachedAsync(string complaintId, string clock) =>
        (await BreachesAsync(complaintId)).Any(b => b.Contains("regulatory:" + clock));

    private async Task AdvanceToAsync(DateTimeOffset at)
    {
        var now = platform.Clock.GetUtcNow();
        if (at > now) platform.Clock.Advance(at - now);
    }

    [Fact]
    public async Task Each_regulatory_clock_breaches_on_its_own_calendar_and_kpis_report_compliance_per_clock()
    {
        platform.Clock.Advance(TimeSpan.FromSeconds(13));
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "Your newsletter went out with every recipient in the CC field, so my email address is now visible to strangers."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        Assert.Equal(("privacy_data", "privacy-office", "general"), (assigned.Category, assigned.Team, assigned.Priority));
        var received = assigned.FiledAt.ToDateTimeOffset();

        var fca = await ClockAsync(filed.ComplaintId, "uk-fca-summary");
        var cfpb = await ClockAsync(filed.ComplaintId, "us-cfpb");
        var china = await ClockAsync(filed.ComplaintId, "cn-decision");
        // FCA: the close of the third London working day after receipt; CFPB: 15 days; China: 30 days, the case being complex.
        var fcaDue = fca.DueBy.ToDateTimeOffset();
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        Assert.Equal(TimeSpan.Zero, TimeZoneInfo.ConvertTime(fcaDue, london).TimeOfDay);
        Assert.InRange((fcaDue - received).TotalDays, 3, 8);
        Assert.Equal(received.AddDays(15), cfpb.DueBy.ToDateTimeOffset());
        Assert.Equal(received.AddDays(30), china.DueBy.ToDateTimeOffset());
        Assert.False(fca.Warning);

        // A minute before the FCA deadline: a warning, no breach.
        await AdvanceToAsync(fcaDue.AddMinutes(-1));
        await SweepUntilAsync(filed.ComplaintId, async () => (await ClockAsync(filed.ComplaintId, "uk-fca-summary")).Warning, "the FCA clock warns");
        Assert.DoesNotContain(await BreachesAsync(filed.ComplaintId), b => b.Contains("regulatory:"));

        // Past it: the FCA clock alone is breached.
        await AdvanceToAsync(fcaDue.AddMinutes(1));
        await SweepUntilAsync(filed.ComplaintId, () => BreachedAsync(filed.ComplaintId, "uk-fca-summary"), "the FCA clock breaches");
        var afterFca = await BreachesAsync(filed.ComplaintId);
        Assert.Single(afterFca, b => b.Contains("regulatory:uk-fca-summary"));
        Assert.DoesNotContain(afterFca, b => b.Contains("regulatory:us-cfpb") || b.Contains("regulatory:cn-decision"));

        // Day 15 and a minute: the CFPB's; the Chinese clock, extended for a complex case, still runs.
        await AdvanceToAsync(cfpb.DueBy.ToDateTimeOffset().AddMinutes(1));
        await SweepUntilAsync(filed.ComplaintId, () => BreachedAsync(filed.ComplaintId, "us-cfpb"), "the CFPB clock breaches");
        var afterCfpb = await BreachesAsync(filed.ComplaintId);
        Assert.Single(afterCfpb, b => b.Contains("regulatory:us-cfpb"));
        Assert.DoesNotContain(afterCfpb, b => b.Contains("regulatory:cn-decision"));

        await AdvanceToAsync(china.DueBy.ToDateTimeOffset().AddMinutes(1));
        await SweepUntilAsync(filed.ComplaintId, () => BreachedAsync(filed.ComplaintId, "cn-decision"), "the Chinese clock breaches");
        Assert.Single(await BreachesAsync(filed.ComplaintId), b => b.Contains("regulatory:cn-decision"));

        var period = new Contracts.Followup.V1.GetKpisRequest { From = assigned.FiledAt, To = Timestamp.FromDateTimeOffset(received.AddMilliseconds(1)) };
        Contracts.Followup.V1.GetKpisResponse kpis = new();
        await PlatformFixture.UntilAsync(async () => (kpis = await platform.Followup.GetKpisAsync(period)).Kpis[0].RegulatoryCompliance
            .Count(c => c.Compliance == 0) == 3, "follow-up reports the three clocks missed");
        Assert.Equal(["cn-decision", "uk-fca-summary", "us-cfpb"], kpis.Kpis[0].RegulatoryCompliance.Select(c => c.Clock).Order());
        Assert.All(kpis.Kpis[0].RegulatoryCompliance, c => Assert.Equal(1, c.Complaints));
    }

    private static ExtendRegulatoryClockRequest Extend(string complaintId, string clock) =>
        new() { ComplaintId = complaintId, Clock = clock, Reason = RegulatoryExtensionReason.InvestigationOngoing };

    [Fact]
    public async Task A_regulatory_clock_is_extended_once_with_a_supervisors_approval_and_the_cfpbs_only_after_an_in_progress_answer()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "Your newsletter went out with every recipient in the CC field, so my email address is now visible to strangers."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        Assert.Equal("privacy-office", assigned.Team);

        // Approval is a supervisor's (of the case's team) or a manager's, never an agent's.
        var agent = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("priv-01").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, agent.StatusCode);
        var otherTeam = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-billing").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision")).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherTeam.StatusCode);
        var noReason = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-privacy").ExtendRegulatoryClockAsync(
            new ExtendRegulatoryClockRequest { ComplaintId = filed.ComplaintId, Clock = "cn-decision" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);

        // China: 30 more days with approval, once.
        var china = await platform.RoutingAs("sup-privacy").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision"));
        Assert.Equal(china.PreviousDue.ToDateTimeOffset().AddDays(30), china.NewDue.ToDateTimeOffset());
        var again = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-privacy").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        // The FCA summary rule allows none.
        var fca = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-privacy").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "uk-fca-summary")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, fca.StatusCode);

        // CFPB: only once the customer has had an in-progress answer, then to 60 days in all.
        var early = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("mgr-care").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "us-cfpb")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Contains("in-progress answer", early.Status.Detail);
        var owner = (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId })).AgentId;
        await platform.ResolutionAs(owner).SendFirstResponseAsync(new Contracts.Resolution.V1.SendFirstResponseRequest
        {
            ComplaintId = filed.ComplaintId, Channel = "email",
            Message = "I am sorry your address was exposed. I will check how the newsletter was sent and call you back within 2 hours.",
        });
        var cfpb = await platform.RoutingAs("mgr-care").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "us-cfpb"));
        Assert.Equal(assigned.FiledAt.ToDateTimeOffset().AddDays(60), cfpb.NewDue.ToDateTimeOffset());

        // Both on the complaint's history, with who approved them and a reason from the closed set.
        var history = (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId })).History
            .Where(h => h.EventType == "regulatory_clock_extended").Select(h => h.DataJson).ToList();
        Assert.Equal(2, history.Count);
        Assert.Contains(history, h => h.Contains("cn-decision") && h.Contains("sup-privacy") && h.Contains("investigation_ongoing"));
        Assert.Contains(history, h => h.Contains("us-cfpb") && h.Contains("mgr-care"));
    }

    [Fact]
    public async Task A_correction_into_a_regulated_category_starts_its_clocks_from_receipt()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        Assert.Equal("billing", assigned.Team);
        var before = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-billing").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, before.StatusCode);

        var corrected = await platform.RoutingAs("sup-billing").CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = filed.ComplaintId, Category = "privacy_data", Reason = "the bill was sent to another customer's address",
        });
        Assert.Equal("privacy-office", corrected.Team);

        // The Chinese clock now runs on the case, from receipt (15 days: the case is not complex), not from the correction.
        var china = await platform.RoutingAs("sup-privacy").ExtendRegulatoryClockAsync(Extend(filed.ComplaintId, "cn-decision"));
        Assert.Equal(assigned.FiledAt.ToDateTimeOffset().AddDays(15), china.PreviousDue.ToDateTimeOffset());
    }
}
