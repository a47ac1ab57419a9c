using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Queue;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Departments;

/// <summary>
/// Cross-department work (the brief, 003): a task handed to a department's named contact with a due
/// time from its response time; the answer, or a hand-back that must say why (no bouncing). Routing
/// holds the case to the due time and escalates an overdue task, and sends a case handed back twice
/// to the supervisor. The request and the answer are the customer's matter: sealed with their key.
/// </summary>
public sealed class DepartmentTaskHandlers(CaseStream cases, IOptions<ResolutionOptions> options, TimeProvider clock)
{
    public async Task<HandToDepartmentResponse> HandAsync(HandToDepartmentRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("department", request.Department, 50), ("request", request.Request, Text.MaxMessageLength));
        var departments = options.Value.Departments;
        if (!departments.TryGetValue(request.Department.Trim(), out var department))
            new FieldViolations().Add("department", $"'{request.Department}' is not one of {string.Join(", ", departments.Keys.Order(StringComparer.Ordinal))}").ThrowIfAny();

        var now = clock.GetUtcNow();
        var taskId = Guid.CreateVersion7(now);
        var dueBy = now + department!.ResponseTime;
        var name = request.Department.Trim().ToLowerInvariant();
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            CaseStream.Require(state.Life.DepartmentTasks.Values.All(t => !t.Open || t.Department != name),
                $"The {name} department already has an open task on this complaint; wait for its answer");
            return [new DepartmentTaskOpened(state.ComplaintId, taskId, name, department.Contact, state.Seal(request.Request), dueBy, caller.Subject, now)];
        }, cancellationToken);
        return new HandToDepartmentResponse { TaskId = taskId.ToString(), Contact = department.Contact, DueBy = Timestamp.FromDateTimeOffset(dueBy), Version = version };
    }

    public async Task<RecordDepartmentAnswerResponse> AnswerAsync(RecordDepartmentAnswerRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("answer", request.Answer, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            var task = OpenTask(state, request.TaskId);
            return [new DepartmentTaskAnswered(state.ComplaintId, task.Id, state.Seal(request.Answer), caller.Subject, clock.GetUtcNow())];
        }, cancellationToken);
        return new RecordDepartmentAnswerResponse { Version = version };
    }

    public async Task<RecordDepartmentHandBackResponse> HandBackAsync(RecordDepartmentHandBackRequest request, Caller caller, CancellationToken cancellationToken)
    {
        // No bouncing: a department that will not do the work says why.
        Text.Require(("reason", request.Reason, 2000));
        var handBacks = 0;
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            var task = OpenTask(state, request.TaskId);
            handBacks = state.Life.HandBacks + 1;
            return [new DepartmentTaskHandedBack(state.ComplaintId, task.Id, state.Seal(request.Reason.Trim()), caller.Subject, clock.GetUtcNow())];
        }, cancellationToken);
        return new RecordDepartmentHandBackResponse { Version = version, HandBacks = handBacks };
    }

    private static Contracts.Stream.DepartmentTaskLife OpenTask(CaseState state, string taskId)
    {
        CaseStream.RequireWorkable(state);
        if (!Guid.TryParse(taskId, out var id)) new FieldViolations().Add("task_id", "is not a task id").ThrowIfAny();
        if (!state.Life.DepartmentTasks.TryGetValue(id, out var task))
            throw new RpcException(new Status(StatusCode.NotFound, $"No department task {id} on this complaint"));
        CaseStream.Require(task.Open, $"The {task.Department} task was already {(task.AnsweredAt is not null ? "answered" : "handed back")}");
        return task;
    }
}
