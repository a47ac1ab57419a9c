using Complaints.Domain.Rules;
using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.CorrectTriage;
using Grpc.Core;

namespace Complaints.Tests.Unit;

/// <summary>The triage-correction decision, Given (the complaint's events) / When (a correction by a role) / Then (changes or refusal).</summary>
public sealed class TriageCorrectionTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlySet<string> Categories = new HashSet<string> { "general", "billing_fees", "logistics_delivery", "safety" };

    private static ComplaintLife Given(string category = "billing_fees", string[]? emergency = null, string emotion = "dissatisfied", string? priority = null) =>
        ComplaintLife.Fold(Id, new object[]
        {
            new ComplaintFiled(Id, "C-1", "phone", "C-9", "n", "p", "e", "d", null, T0),
            new ComplaintTriaged(Id, category, "transactional", "venting", emotion, [], emergency ?? [],
                priority ?? (emergency is { Length: > 0 } ? "emergency" : "general"), false, [], T0) { Motive = "explanation" },
        }.Select((e, i) => ((long)i + 1, e)))!;

    private static CorrectTriageCommand When(string? category = null, string? emotion = null, string? nuisance = null,
        string[]? add = null, bool clear = false, string reason = "checked with the customer") =>
        new(category, null, null, emotion, null, nuisance, add ?? [], clear, reason);

    [Fact]
    public void A_new_category_is_one_change_from_the_old_value()
    {
        var changes = TriageCorrection.Decide(Given(), When(category: "logistics_delivery"), "agent", Categories);
        Assert.Equal([new TriageChange("category", "billing_fees", "logistics_delivery")], changes);
    }

    [Fact]
    public void Declaring_an_emergency_raises_the_priority_with_it()
    {
        var changes = TriageCorrection.Decide(Given(), When(add: ["legal_threat"]), "agent", Categories);
        Assert.Contains(new TriageChange("emergency", "", "legal_threat"), changes);
        Assert.Contains(new TriageChange("priority", "general", "emergency"), changes);
    }

    [Fact]
    public void A_supervisor_clears_an_emergency_and_the_priority_falls_back()
    {
        var changes = TriageCorrection.Decide(Given(emergency: ["media_exposure"]), When(clear: true), "supervisor", Categories);
        Assert.Contains(new TriageChange("emergency", "media_exposure", ""), changes);
        Assert.Contains(new TriageChange("priority", "emergency", "general"), changes);
    }

    [Theory]
    [InlineData("agent", true, null)]
    [InlineData("agent", false, "confirmed")]
    public void An_agent_neither_clears_an_emergency_nor_confirms_a_nuisance(string role, bool clear, string? nuisance)
    {
        var error = Assert.Throws<Rejection>(() => TriageCorrection.Decide(Given(emergency: ["legal_threat"]), When(clear: clear, nuisance: nuisance), role, Categories));
        Assert.Equal(RejectionKind.PermissionDenied, error.Kind);
    }

    [Fact]
    public void An_out_of_control_customer_confirmed_as_a_nuisance_is_no_longer_high_priority()
    {
        var changes = TriageCorrection.Decide(Given(emotion: "out_of_control", priority: "high"), When(nuisance: "confirmed"), "supervisor", Categories);
        Assert.Contains(new TriageChange("nuisance", "none", "confirmed"), changes);
        Assert.Contains(new TriageChange("priority", "high", "general"), changes);
    }

    [Theory]
    [InlineData("", "reason")]
    [InlineData("unicorns", "category")]
    public void A_correction_without_a_reason_or_with_an_unknown_value_is_invalid(string category, string field)
    {
        var command = field == "reason" ? When(category: "logistics_delivery", reason: " ") : When(category: category);
        var error = Assert.Throws<Rejection>(() => TriageCorrection.Decide(Given(), command, "agent", Categories));
        Assert.Equal(RejectionKind.InvalidArgument, error.Kind);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void A_correction_that_changes_nothing_is_refused()
    {
        var error = Assert.Throws<Rejection>(() => TriageCorrection.Decide(Given(), When(category: "billing_fees"), "agent", Categories));
        Assert.Equal(RejectionKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public void The_fold_applies_a_correction_and_the_triage_no_longer_waits_for_review()
    {
        var corrected = ComplaintLife.Fold(Id, new object[]
        {
            new ComplaintFiled(Id, "C-1", "phone", "C-9", "n", "p", "e", "d", null, T0),
            new ComplaintTriaged(Id, "general", "transactional", "venting", "calm", [], [], "general", false, [], T0) { NeedsReview = true, ReviewReasons = ["no rule"] },
            new TriageCorrected(Id, [new("category", "general", "billing_fees"), new("nuisance", "none", "confirmed"), new("emergency", "", "safety")],
                "checked", "sup-care", "supervisor", T0.AddHours(1)),
        }.Select((e, i) => ((long)i + 1, e)))!;
        Assert.Equal("billing_fees", corrected.Category);
        Assert.True(corrected.NuisanceConfirmed);
        Assert.Equal(["safety"], corrected.EmergencyFlags);
        Assert.False(corrected.TriageNeedsReview);
        Assert.Single(corrected.TriageCorrections);
    }
}
