using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Complaints.Followup.Callbacks;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.RootCause;

/// <summary>
/// Root-cause review (5-Why) and improvement actions: find a problem, improve,
/// and verify the improvement on later complaints linked to the action.
/// </summary>
public sealed class RootCauseHandlers(IDocumentSession session, TimeProvider clock, IOptions<FollowupOptions> options)
{
    public async Task<RecordRootCauseResponse> RecordAsync(RecordRootCauseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (request.Whys.Count is < 1 or > 5) violations.Add("whys", "the 5-Why chain has one to five answers");
        for (var i = 0; i < request.Whys.Count; i++)
            if (string.IsNullOrWhiteSpace(request.Whys[i]) || request.Whys[i].Length > 1000) violations.Add($"whys[{i}]", "must be an answer of at most 1000 characters");
        if (string.IsNullOrWhiteSpace(request.RootCauseCategory)) violations.Add("root_cause_category", "is required");
        var dueDate = default(DateOnly);
        if (request.Action is null) violations.Add("action", "an improvement action is required");
        else
        {
            if (string.IsNullOrWhiteSpace(request.Action.Description)) violations.Add("action.description", "is required");
            if (string.IsNullOrWhiteSpace(request.Action.Owner)) violations.Add("action.owner", "is required");
            if (!DateOnly.TryParseExact(request.Action.DueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out dueDate))
                violations.Add("action.due_date", "must be a date, YYYY-MM-DD");
        }
        violations.ThrowIfAny();

        var stream = await session.Events.FetchStreamStateAsync(id, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        var now = clock.GetUtcNow();
        var actionId = Guid.CreateVersion7(now);
        var category = request.RootCauseCategory.Trim().ToLowerInvariant();
        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(id, stream.Version + 2,
            new RootCauseIdentified(id, request.Whys.ToList(), category, caller.Subject, now),
            new ImprovementActionOpened(id, actionId, request.Action!.Description, request.Action.Owner, dueDate, now));
        session.Insert(new ImprovementActionRecord
        {
            Id = actionId, SourceComplaintId = id, RootCauseCategory = category, Description = request.Action.Description,
            Owner = request.Action.Owner, DueDate = dueDate, OpenedAt = now,
        });
        await session.SaveChangesAsync(cancellationToken);
        return new RecordRootCauseResponse { ActionId = actionId.ToString() };
    }

    public async Task<LinkToImprovementActionResponse> LinkAsync(LinkToImprovementActionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var complaintId)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (!Guid.TryParse(request.ActionId, out var actionId)) violations.Add("action_id", "is not an action id (a UUID)");
        violations.ThrowIfAny();

        var action = await session.LoadAsync<ImprovementActionRecord>(actionId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No improvement action {actionId}"));
        var stream = await session.Events.FetchStreamStateAsync(complaintId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));
        if (action.LinkedComplaints.Contains(complaintId)) return new LinkToImprovementActionResponse();

        action.LinkedComplaints.Add(complaintId);
        session.Update(action);
        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(complaintId, stream.Version + 1, new LinkedToImprovementAction(complaintId, actionId, clock.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return new LinkToImprovementActionResponse();
    }

    public async Task<GetImprovementActionResponse> GetAsync(GetImprovementActionRequest request, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ActionId, out var actionId)) new FieldViolations().Add("action_id", "is not an action id (a UUID)").ThrowIfAny();
        var action = await session.LoadAsync<ImprovementActionRecord>(actionId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No improvement action {actionId}"));
        // The closed loop: complaints filed after the action whose root cause is the same category.
        var recurrences = action.CompletedAt is { } since
            ? await session.Query<ComplaintFacts>().CountAsync(f => f.RootCauseCategory == action.RootCauseCategory && f.FiledAt > since && f.Id != action.SourceComplaintId, cancellationToken)
            : 0;
        return new GetImprovementActionResponse
        {
            ActionId = action.Id.ToString(),
            SourceComplaintId = action.SourceComplaintId.ToString(),
            RootCauseCategory = action.RootCauseCategory,
            Action = new ImprovementAction { Description = action.Description, Owner = action.Owner, DueDate = action.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            OpenedAt = Timestamp.FromDateTimeOffset(action.OpenedAt),
            LinkedComplaintIds = { action.LinkedComplaints.Select(c => c.ToString()) },
            Status = action.CompletedAt is null ? ImprovementActionStatus.Open : ImprovementActionStatus.Done,
            CompletedAt = action.CompletedAt is { } done ? Timestamp.FromDateTimeOffset(done) : null,
            Recurrences = recurrences,
            Verdict = action.CompletedAt is not { } completed ? ImprovementVerdict.Pending
                : recurrences > 0 ? ImprovementVerdict.NotVerified
                : clock.GetUtcNow() - completed >= options.Value.VerificationPeriod ? ImprovementVerdict.Verified
                : ImprovementVerdict.Pending,
        };
    }

    public async Task<CompleteImprovementActionResponse> CompleteAsync(CompleteImprovementActionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ActionId, out var actionId)) violations.Add("action_id", "is not an action id (a UUID)");
        if (string.IsNullOrWhiteSpace(request.Outcome) || request.Outcome.Length > 2000) violations.Add("outcome", "say what was done, in at most 2000 characters");
        violations.ThrowIfAny();
        var action = await session.LoadAsync<ImprovementActionRecord>(actionId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No improvement action {actionId}"));
        if (action.CompletedAt is not null)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The action was already completed at {action.CompletedAt:u}"));
        var stream = await session.Events.FetchStreamStateAsync(action.SourceComplaintId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {action.SourceComplaintId}"));
        var now = clock.GetUtcNow();
        action.CompletedAt = now;
        session.Update(action);
        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(action.SourceComplaintId, stream.Version + 1, new ImprovementActionCompleted(action.SourceComplaintId, action.Id, request.Outcome.Trim(), caller.Subject, now));
        await session.SaveChangesAsync(cancellationToken);
        return new CompleteImprovementActionResponse();
    }

}
