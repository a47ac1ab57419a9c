using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Tests.Infrastructure;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>
/// Work handed to other departments: a named contact and a due time, an overdue answer escalates, a
/// hand-back needs a reason and a second one sends the case to the supervisor. Real services, fake clock.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DepartmentTaskTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<(string Id, string Agent)> AssignedAsync(string description)
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, description));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, Timeout);
        // The first response stops its own clock, so only the department's clock is left to watch.
        await platform.ResolutionAs(assigned.AgentId).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = filed.ComplaintId, Channel = "email", Message = "I am sorry for the trouble. I am checking this with the department concerned and will write to you by 18:00 tomorrow.",
        });
        return (filed.ComplaintId, assigned.AgentId);
    }

    [Fact]
    public async Task An_overdue_department_answer_escalates_the_case_and_names_the_department()
    {
        var (id, agent) = await AssignedAsync("I was charged a fee twice on my bill.");
        var task = await platform.ResolutionAs(agent).HandToDepartmentAsync(new HandToDepartmentRequest
        {
            ComplaintId = id, Department = "finance", Request = "Please confirm whether the second debit was reversed.",
        });
        Assert.Equal("finance-desk", task.Contact);
        Assert.Equal(platform.Clock.GetUtcNow().AddHours(8), task.DueBy.ToDateTimeOffset());
        var board = platform.RoutingAs("sup-billing");
        await PlatformFixture.UntilAsync(async () => (await board.GetWholeTeamBoardAsync(new Contracts.Routing.V1.GetTeamBoardRequest()))
            .Cases.Any(c => c.Case.ComplaintId == id && c.NextDeadline.Equals(task.DueBy)), "routing holds the case to the finance department's answer");

        // The agent's queue shows the answer awaited, not yet overdue.
        QueueEntry? entry = null;
        await PlatformFixture.UntilAsync(async () => (entry = (await platform.ResolutionAs(agent).ListWholeQueueAsync(new ListQueueRequest()))
            .Entries.FirstOrDefault(e => e.ComplaintId == id))?.DepartmentAnswers.Count == 1, "the queue shows the finance answer awaited");
        Assert.Equal((task.TaskId, "finance", task.DueBy, false), (entry!.DepartmentAnswers[0].TaskId, entry.DepartmentAnswers[0].Department,
            entry.DepartmentAnswers[0].DueBy, entry.DepartmentAnswers[0].Overdue));

        platform.Clock.Advance(TimeSpan.FromHours(9));
        await platform.SweepSlaAsync(id);

        // Overdue in the supervisor's view of the agent's queue (the case is now at supervisor tier).
        var supervisorView = await platform.ResolutionAs("sup-billing").ListWholeQueueAsync(new ListQueueRequest { AgentId = agent });
        var overdue = supervisorView.Entries.Concat((await platform.ResolutionAs("sup-billing").ListWholeQueueAsync(new ListQueueRequest())).Entries)
            .First(e => e.ComplaintId == id).DepartmentAnswers.Single();
        Assert.True(overdue.Overdue);

        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        var breach = Assert.Single(after.History, h => h.EventType == "sla_breached");
        Assert.Contains("department_task", breach.DataJson);
        Assert.Contains(after.History, h => h.EventType == "complaint_escalated" && h.DataJson.Contains("finance department's answer"));
        Assert.Equal("supervisor", after.Tier);

        var late = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).HandToDepartmentAsync(new HandToDepartmentRequest
        {
            ComplaintId = id, Department = "marketing", Request = "r",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, late.StatusCode);
    }

    [Fact]
    public async Task An_answer_in_time_escalates_nothing()
    {
        var (id, agent) = await AssignedAsync("I was charged a fee twice on my bill.");
        var resolution = platform.ResolutionAs(agent);
        var task = await resolution.HandToDepartmentAsync(new HandToDepartmentRequest { ComplaintId = id, Department = "finance", Request = "Check the second debit." });
        await resolution.RecordDepartmentAnswerAsync(new RecordDepartmentAnswerRequest { ComplaintId = id, TaskId = task.TaskId, Answer = "Reversed on the 3rd; the customer sees it in two days." });

        platform.Clock.Advance(TimeSpan.FromHours(9));
        await platform.SweepSlaAsync(id);

        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.DoesNotContain(after.History, h => h.EventType == "sla_breached" && h.DataJson.Contains("department_task"));
        var again = await Assert.ThrowsAsync<RpcException>(() => resolution.RecordDepartmentAnswerAsync(new RecordDepartmentAnswerRequest
        {
            ComplaintId = id, TaskId = task.TaskId, Answer = "twice",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task A_hand_back_needs_a_reason_and_a_case_handed_back_twice_reaches_the_supervisor()
    {
        var (id, agent) = await AssignedAsync("快递三天了还没送到，一直没人联系我");
        var resolution = platform.ResolutionAs(agent);
        var first = await resolution.HandToDepartmentAsync(new HandToDepartmentRequest { ComplaintId = id, Department = "logistics", Request = "Where is the parcel?" });

        var noReason = await Assert.ThrowsAsync<RpcException>(() => resolution.RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest
        {
            ComplaintId = id, TaskId = first.TaskId,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        Assert.Contains("reason", noReason.Status.Detail);

        var once = await resolution.RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest { ComplaintId = id, TaskId = first.TaskId, Reason = "the courier is a partner; ask technical for the tracking system" });
        Assert.Equal(1, once.HandBacks);
        var second = await resolution.HandToDepartmentAsync(new HandToDepartmentRequest { ComplaintId = id, Department = "technical", Request = "The tracking page shows nothing since the hub." });
        var twice = await resolution.RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest { ComplaintId = id, TaskId = second.TaskId, Reason = "the tracking system works; it is a logistics matter" });
        Assert.Equal(2, twice.HandBacks);

        var after = await platform.WaitForComplaintAsync(id, c => c.Tier == "supervisor", Timeout);
        Assert.Equal("sup-logistics", after.AgentId);
        Assert.Contains(after.History, h => h.EventType == "complaint_escalated" && h.DataJson.Contains("handed back by departments twice"));
    }
}
