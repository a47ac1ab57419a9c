using Complaints.Intake.FileComplaint;

namespace Complaints.Tests.Unit;

public sealed class ComplaintNumberTests
{
    [Fact]
    public void Number_carries_the_filing_date_and_a_phone_safe_suffix()
    {
        var filedAt = new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.FromHours(-5));
        var number = ComplaintNumber.For(Guid.CreateVersion7(filedAt), filedAt);

        Assert.StartsWith("C-20261124-", number); // the UTC date
        Assert.Equal(19, number.Length);
        Assert.DoesNotContain(number[11..], c => "ILOU".Contains(c));
    }

    [Fact]
    public void Numbers_are_stable_per_id_and_differ_between_ids()
    {
        var filedAt = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => Guid.CreateVersion7(filedAt)).ToArray();

        Assert.Equal(ComplaintNumber.For(ids[0], filedAt), ComplaintNumber.For(ids[0], filedAt));
        Assert.Equal(ids.Length, ids.Select(id => ComplaintNumber.For(id, filedAt)).Distinct().Count());
    }
}

public sealed class ComplaintStreamEventsTests
{
    [Fact]
    public void Every_stream_event_and_nothing_else_is_registered()
    {
        Assert.Equal(
            new[]
            {
                "CallbackDue", "CallbackScheduled", "CallbackUnanswered", "CaseSummaryWritten", "CommitmentMade", "ComplaintAssigned", "ComplaintClosed", "ComplaintEscalated", "ComplaintFiled",
                "ComplaintReopened", "ComplaintResolved", "ComplaintRouted", "ComplaintTriaged", "CustomerContacted", "CustomerDataErased", "CustomerNotified", "DepartmentTaskAnswered", "DepartmentTaskHandedBack", "DepartmentTaskOpened", "FirstResponseSent",
                "ImprovementActionCompleted", "ImprovementActionOpened", "InvestigationFindingRecorded", "LinkedToImprovementAction", "NoticeDelivered", "NoticeDeliveryFailed", "ProgressUpdateMissed", "ProgressUpdateSent", "RegulatoryClockExtended", "RemedyAccepted",
                "RemedyApproved", "RemedyProposed", "RemedyRefused", "RemedyRejected", "ResolutionConfirmed", "ResolutionDueChanged", "RootCauseIdentified",
                "SecondComplaintLinked", "SlaBreached", "SurveyRecorded", "TriageCorrected", "WordingOverridden",
            },
            Complaints.ServiceDefaults.ComplaintStreamEvents.All.Select(t => t.Name).Order());
    }
}
