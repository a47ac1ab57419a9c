using Complaints.Contracts.Intake.V1;
using Complaints.Intake.CustomerHistory;

namespace Complaints.Tests.Unit;

public sealed class RepeatComplaintsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Subject_is_the_most_specific_reference_normalised()
    {
        // Order and account references only as the pseudonym makes them; a product reference as it is.
        static string Pseudonym(string value) => $"p({value})";
        Assert.Equal("order:p(A-17)", RepeatComplaints.SubjectKey(new Subject { OrderRef = " a-17 ", ProductRef = "WM-1" }, Pseudonym));
        Assert.Equal("product:WM-1", RepeatComplaints.SubjectKey(new Subject { ProductRef = "wm-1" }, Pseudonym));
        Assert.Equal("account:p(622-01)", RepeatComplaints.SubjectKey(new Subject { AccountRef = "622-01" }, Pseudonym));
        Assert.Equal("", RepeatComplaints.SubjectKey(new Subject(), Pseudonym));
        Assert.Equal("", RepeatComplaints.SubjectKey(null, Pseudonym));
    }

    [Fact]
    public void Same_subject_inside_the_window_is_a_repeat_of_the_latest_one()
    {
        var earlier = new[]
        {
            Record("order:A-17", Now.AddDays(-3)),
            Record("order:B-2", Now.AddDays(-5)),
            Record("order:A-17", Now.AddDays(-20)),
        };
        Assert.Same(earlier[0], RepeatComplaints.RepeatOf(earlier, "order:A-17", Now, TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Outside_the_window_or_without_a_subject_it_is_not_a_repeat()
    {
        var earlier = new[] { Record("order:A-17", Now.AddDays(-31)), Record("", Now.AddDays(-1)) };
        Assert.Null(RepeatComplaints.RepeatOf(earlier, "order:A-17", Now, TimeSpan.FromDays(30)));
        Assert.Null(RepeatComplaints.RepeatOf(earlier, "", Now, TimeSpan.FromDays(30)));
    }

    private static CustomerComplaintRecord Record(string subject, DateTimeOffset filedAt) =>
        new() { Id = Guid.NewGuid(), CustomerId = "C", SubjectKey = subject, FiledAt = filedAt };
}
