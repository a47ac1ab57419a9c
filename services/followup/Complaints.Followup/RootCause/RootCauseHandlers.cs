using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.ComplaintStreams;
using Complaints.Followup.Callbacks;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.RootCause;

/// <summary>Root-cause review and improvement actions (<see cref="RootCauseDecision"/>): checked, decided, written; and read.</summary>
public sealed class RootCauseHandlers(IDocumentSession session, ComplaintWriter writer, TimeProvider clock, IOptions<FollowupOptions> options)
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

        var actionId = Guid.CreateVersion7(clock.GetUtcNow());
        var command = new RecordRootCause([.. request.Whys], request.RootCauseCategory, actionId, request.Action!.Description, request.Action.Owner, dueDate);
        await writer.ExecuteAsync(id, new Actor(caller.Subject, caller.Role), (life, now) => RootCauseDecision.Record(life, command, caller.Subject, now),
            new WriteOptions
            {
                AlsoStore = (session, _, events) =>
                {
                    var opened = events.OfType<ImprovementActionOpened>().Single();
                    session.Insert(new ImprovementActionRecord
                    {
                        Id = actionId, SourceComplaintId = id, RootCauseCategory = events.OfType<RootCauseIdentified>().Single().RootCauseCategory,
                        Description = opened.Description, Owner = opened.Owner, DueDate = opened.DueDate, OpenedAt = opened.OpenedAt,
                    });
                },
            }, cancellationToken);
        return new RecordRootCauseResponse { ActionId = actionId.ToString() };
    }

    public async Task<LinkToImprovementActionResponse> LinkAsync(LinkToImprovementActionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var complaintId)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (!Guid.TryParse(request.ActionId, out var actionId)) violations.Add("action_id", "is not an action id (a UUID)");
        violations.ThrowIfAny();

        ImprovementActionRecord? action = null;
        await writer.ExecuteAsync(complaintId, new Actor(caller.Subject, caller.Role),
            async (_, session, token) => action = await session.LoadAsync<ImprovementActionRecord>(actionId, token)
                                                  ?? throw Rejection.NotFound($"No improvement action {actionId}"),
            (life, _, now) => RootCauseDecision.Link(life, actionId, now),
            new WriteOptions
            {
                AlsoStore = (session, _, _) =>
                {
                    if (!action!.LinkedComplaints.Contains(complaintId)) action.LinkedComplaints.Add(complaintId);
                    session.Update(action);
                },
            }, cancellationToken);
        return new LinkToImprovementActionResponse();
    }

    public async Task<GetImprovementActionResponse> GetAsync(GetImprovementActionRequest request, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ActionId, out var actionId)) new FieldViolations().Add("action_id", "is not an action id (a UUID)").ThrowIfAny();
        var action = await session.LoadAsync<ImprovementActionRecord>(actionId, cancellationToken)
                     ?? throw Rejection.NotFound($"No improvement action {actionId}");
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
        var found = await session.LoadAsync<ImprovementActionRecord>(actionId, cancellationToken)
                    ?? throw Rejection.NotFound($"No improvement action {actionId}");
        ImprovementActionRecord? action = null;
        await writer.ExecuteAsync(found.SourceComplaintId, new Actor(caller.Subject, caller.Role),
            // Read again in the writer's session, whose save checks the record's version.
            async (_, writing, token) => action = await writing.LoadAsync<ImprovementActionRecord>(actionId, token),
            (source, read, now) =>
            {
                Rejection.Require(read?.CompletedAt is null, $"The action was already completed at {read?.CompletedAt:u}");
                return RootCauseDecision.Complete(source, actionId, request.Outcome, caller.Subject, now);
            },
            new WriteOptions
            {
                AlsoStore = (writing, _, events) =>
                {
                    action!.CompletedAt = events.OfType<ImprovementActionCompleted>().Single().CompletedAt;
                    writing.Update(action);
                },
            }, cancellationToken);
        return new CompleteImprovementActionResponse();
    }

}
