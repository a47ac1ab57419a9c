using Complaints.Domain.Rules;
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
        var command = new HandToDepartment(taskId, name, department.Contact, request.Request, dueBy);
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, at) => Hand(state, command, caller, at), cancellationToken);
        return new HandToDepartmentResponse { TaskId = taskId.ToString(), Contact = department.Contact, DueBy = Timestamp.FromDateTimeOffset(dueBy), Version = version };
    }

    public async Task<RecordDepartmentAnswerResponse> AnswerAsync(RecordDepartmentAnswerRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("answer", request.Answer, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Answer(state, request, caller, now), cancellationToken);
        return new RecordDepartmentAnswerResponse { Version = version };
    }

    public async Task<RecordDepartmentHandBackResponse> HandBackAsync(RecordDepartmentHandBackRequest request, Caller caller, CancellationToken cancellationToken)
    {
        // No bouncing: a department that will not do the work says why.
        Text.Require(("reason", request.Reason, 2000));
        var handBacks = 0;
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, (state, now) =>
        {
            handBacks = state.Life.HandBacks + 1;
            return HandBack(state, request, caller, now);
        }, cancellationToken);
        return new RecordDepartmentHandBackResponse { Version = version, HandBacks = handBacks };
    }

    /// <summary>A task for a department on a workable case; one open task per department at a time.</summary>
    public static IReadOnlyList<object> Hand(CaseState state, HandToDepartment command, Caller caller, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        CaseStream.Require(state.Life.DepartmentTasks.Values.All(t => !t.Open || t.Department != command.Department),
            $"The {command.Department} department already has an open task on this complaint; wait for its answer");
        return [new DepartmentTaskOpened(state.ComplaintId, command.TaskId, command.Department, command.Contact, state.Seal(command.Request), command.DueBy, caller.Subject, now)];
    }

    /// <summary>The department's answer to its open task.</summary>
    public static IReadOnlyList<object> Answer(CaseState state, RecordDepartmentAnswerRequest request, Caller caller, DateTimeOffset now)
    {
        var task = OpenTask(state, request.TaskId);
        return [new DepartmentTaskAnswered(state.ComplaintId, task.Id, state.Seal(request.Answer), caller.Subject, now)];
    }

    /// <summary>The department hands its open task back, saying why (routing counts hand-backs).</summary>
    public static IReadOnlyList<object> HandBack(CaseState state, RecordDepartmentHandBackRequest request, Caller caller, DateTimeOffset now)
    {
        var task = OpenTask(state, request.TaskId);
        return [new DepartmentTaskHandedBack(state.ComplaintId, task.Id, state.Seal(request.Reason.Trim()), caller.Subject, now)];
    }

    private static Domain.ComplaintStream.DepartmentTaskLife OpenTask(CaseState state, string taskId)
    {
        CaseStream.RequireWorkable(state);
        if (!Guid.TryParse(taskId, out var id)) throw Rejection.Field("task_id", "is not a task id");
        if (!state.Life.DepartmentTasks.TryGetValue(id, out var task))
            throw Rejection.NotFound($"No department task {id} on this complaint");
        CaseStream.Require(task.Open, $"The {task.Department} task was already {(task.AnsweredAt is not null ? "answered" : "handed back")}");
        return task;
    }
}

/// <summary>Work handed to a department's named contact, due by its response time.</summary>
public sealed record HandToDepartment(Guid TaskId, string Department, string Contact, string Request, DateTimeOffset DueBy);
