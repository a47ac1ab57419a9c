using Complaints.Domain.Rules;
using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.Assignment;
using Complaints.Routing.ExtendRegulatoryClock;
using Complaints.Routing.SlaClock;
using Complaints.Domain.ServiceLevels;
using Grpc.Core;

namespace Complaints.Tests.Unit;

/// <summary>Extending a regulator's clock, Given/When/Then: once, before it runs out, as far as its rule allows.</summary>
public sealed class RegulatoryExtensionTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateTimeOffset Received = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly RegulatoryClock China = new() { Name = "cn-decision", Days = 15, ComplexDays = 30, ExtensionDays = 30 };
    private static readonly RegulatoryClock Cfpb = new() { Name = "us-cfpb", Days = 15, ExtensionDays = 45, ExtensionRequires = RegulatoryExtensionCondition.InProgressResponse };
    private static readonly RegulatoryClock Fca = new() { Name = "uk-fca-summary", Days = 3, BusinessDays = true, TimeZone = "Europe/London", ExtensionDays = 2 };
    private static readonly RegulatoryClock None = new() { Name = "no-extension", Days = 10 };

    private static ComplaintLife Life(params object[] later) =>
        ComplaintLife.Fold(Id, new object[] { new ComplaintFiled(Id, "C-1", "email", "C-9", "n", "p", "e", "d", null, Received) }
            .Concat(later).Select((e, i) => ((long)i + 1, e)))!;

    private static OpenCase Case(params RegulatoryClock[] clocks) => new()
    {
        Id = Id, Category = "billing_fees",
        RegulatoryClocks = clocks.Select(c => RegulatoryDeadlines.New(c, c.DueFor(Received, complex: false, "Asia/Shanghai"))).ToList(),
    };

    private static RegulatoryClockExtended Decide(OpenCase openCase, ComplaintLife life, RegulatoryClock rule, DateTimeOffset now) =>
        RegulatoryExtension.Decide(openCase, life, rule, "investigation_ongoing", "sup-billing", "supervisor", now, "Asia/Shanghai");

    private static void Refused(Action decide, string why) =>
        Assert.Contains(why, Assert.Throws<Rejection>(decide) is { Kind: RejectionKind.FailedPrecondition } e ? e.Message : "not FailedPrecondition");

    [Fact]
    public void Given_a_running_clock_whose_rule_allows_it_when_extended_then_it_moves_by_the_extension_days()
    {
        var extended = Decide(Case(China), Life(), China, Received.AddDays(3));
        Assert.Equal((Received.AddDays(15), Received.AddDays(45), "cn-decision", "sup-billing"), (extended.PreviousDue, extended.NewDue, extended.Clock, extended.ApprovedBy));
    }

    [Fact]
    public void Given_business_days_when_extended_then_the_extension_counts_working_days_from_the_deadline()
    {
        // Due at the close of Friday 27 November in London; two more working days: Monday and Tuesday.
        var openCase = Case(Fca);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), openCase.RegulatoryClocks[0].DueBy);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), Decide(openCase, Life(), Fca, Received).NewDue);
    }

    [Fact]
    public void Given_a_clock_extended_once_run_out_or_without_extension_when_extended_then_it_is_refused()
    {
        var once = Case(China);
        once.RegulatoryClocks[0].Extended = true;
        Refused(() => Decide(once, Life(), China, Received), "extended already");
        Refused(() => Decide(Case(China), Life(), China, Received.AddDays(15)), "ran out");
        Refused(() => Decide(Case(None), Life(), None, Received), "allows no extension");
        Refused(() => Decide(Case(None), Life(), China, Received), "does not run on this complaint");
    }

    [Fact]
    public void Given_a_rule_that_needs_an_in_progress_answer_when_the_customer_had_none_then_refused_and_after_one_extended()
    {
        Refused(() => Decide(Case(Cfpb), Life(), Cfpb, Received.AddDays(1)), "in-progress answer");
        var answered = Life(new ProgressUpdateSent(Id, "bill-01", "email", "sealed", Received.AddDays(2)));
        Assert.Equal(Received.AddDays(60), Decide(Case(Cfpb), answered, Cfpb, Received.AddDays(3)).NewDue);
    }

    [Fact]
    public void Given_an_open_case_when_a_supervisor_of_its_team_extends_then_routing_s_clock_moves_with_the_event()
    {
        var openCase = Case(China);
        openCase.Team = "billing";
        var supervisor = new Complaints.ServiceDefaults.Security.Caller("sup-billing", "supervisor", "billing");
        var extended = Assert.IsType<RegulatoryClockExtended>(Assert.Single(
            ExtendRegulatoryClockHandler.Decide(openCase, Life(), China, "investigation_ongoing", supervisor, "Asia/Shanghai", Received.AddDays(3))));
        Assert.Equal((extended.NewDue, true), (openCase.RegulatoryClocks[0].DueBy, openCase.RegulatoryClocks[0].Extended));

        var other = new Complaints.ServiceDefaults.Security.Caller("sup-care", "supervisor", "care");
        Assert.Equal(RejectionKind.PermissionDenied, Assert.Throws<Rejection>(() =>
            ExtendRegulatoryClockHandler.Decide(Case(China), Life(), China, "investigation_ongoing", other, "Asia/Shanghai", Received.AddDays(3))).Kind);
    }
}
