using Complaints.Domain.ServiceLevels;

namespace Complaints.Tests.Unit;

/// <summary>The closed set behind SlaBreached.Deadline: every shape on disk parses to its kind, and what is written reads back the same.</summary>
public sealed class DeadlineTests
{
    [Theory]
    [InlineData("first_response", DeadlineKind.FirstResponse, "")]
    [InlineData("resolution", DeadlineKind.Resolution, "")]
    [InlineData("commitment", DeadlineKind.Commitment, "")]
    [InlineData("department_task", DeadlineKind.DepartmentTask, "")]
    [InlineData("regulatory:uk-fca-final-response", DeadlineKind.Regulatory, "uk-fca-final-response")]
    [InlineData("commitment:01900000-0000-7000-8000-000000000001", DeadlineKind.Commitment, "")]
    [InlineData("department:billing", DeadlineKind.DepartmentTask, "")]
    [InlineData("regulatory:", DeadlineKind.Other, "")]
    [InlineData("something_newer", DeadlineKind.Other, "")]
    public void Every_recorded_shape_parses_to_its_kind(string wire, DeadlineKind kind, string clock) =>
        Assert.Equal(new Deadline(kind, clock), Deadline.Parse(wire));

    [Fact]
    public void What_is_written_reads_back_as_itself()
    {
        foreach (var deadline in new[] { Deadline.FirstResponse, Deadline.Resolution, Deadline.Commitment, Deadline.DepartmentTask, Deadline.RegulatoryClock("cn-decision") })
            Assert.Equal(deadline, Deadline.Parse(deadline.Wire));
        Assert.Throws<InvalidOperationException>(() => new Deadline(DeadlineKind.Other).Wire);
    }

    [Fact]
    public void A_metric_names_the_kind_only_never_a_clock_or_an_id()
    {
        Assert.Equal("regulatory", Deadline.Parse("regulatory:cn-decision").KindName);
        Assert.Equal("commitment", Deadline.Parse("commitment:01900000-0000-7000-8000-000000000001").KindName);
        Assert.Equal("other", Deadline.Parse("Customer Name 13800138000").KindName);
    }
}
