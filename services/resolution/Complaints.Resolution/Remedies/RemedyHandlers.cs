using Complaints.Domain.Rules;
using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Remedies;

/// <summary>
/// Remedies and their approval: a proposal above the proposer's limit waits for someone with
/// enough authority, nobody approves their own proposal, and the customer's decision either
/// resolves the complaint (with a written confirmation) or escalates it.
/// </summary>
public sealed class RemedyHandlers(
    CaseStream cases,
    WordingPolicy wording,
    IOptions<ApprovalLimits> limits,
    TimeProvider clock)
{
    /// <summary>Where a written confirmation may go: email, SMS, a letter, the customer's ticket, the app, a chat.</summary>
    public static readonly IReadOnlyList<string> WrittenChannels = ["email", "sms", "letter", "ticket", "mobile_app", "web_chat"];

    public async Task<ProposeRemedyResponse> ProposeAsync(ProposeRemedyRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (request.Kind == RemedyKind.Unspecified || !Enum.IsDefined(request.Kind))
            violations.Add("kind", "must be refund, repair, replacement, apology or value added");
        var amount = 0m;
        if (request.Amount.Length > 0 && (!decimal.TryParse(request.Amount, NumberStyles.Number, CultureInfo.InvariantCulture, out amount) || amount < 0))
            violations.Add("amount", "must be a non-negative number such as 150.00");
        if (request.Kind is RemedyKind.Refund && amount <= 0) violations.Add("amount", "a refund needs an amount");
        if (string.IsNullOrWhiteSpace(request.Description)) violations.Add("description", "is required");
        Guid? alternativeTo = null;
        if (request.AlternativeTo.Length > 0)
        {
            if (Guid.TryParse(request.AlternativeTo, out var earlier)) alternativeTo = earlier;
            else violations.Add("alternative_to", "is not a remedy id");
        }
        violations.ThrowIfAny();

        var approval = amount > limits.Value.LimitOf(caller.Role) ? limits.Value.LowestRoleFor(amount) : "";
        var remedyId = Guid.CreateVersion7(clock.GetUtcNow());
        var command = new ProposeRemedy(remedyId, Name(request.Kind), amount, limits.Value.Currency, request.Description, alternativeTo, approval);
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Propose(state, command, caller, now), cancellationToken);
        return new ProposeRemedyResponse { RemedyId = remedyId.ToString(), RequiresApprovalFrom = approval, Version = version };
    }

    public async Task<DecideApprovalResponse> DecideAsync(DecideApprovalRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("reason", request.Reason, 2000));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => DecideApproval(state, request, caller, limits.Value, now), cancellationToken);
        return new DecideApprovalResponse { Version = version };
    }

    public async Task<RecordCustomerDecisionResponse> RecordDecisionAsync(RecordCustomerDecisionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (request.Accepted)
        {
            Text.Require(("confirmation", request.Confirmation, Text.MaxMessageLength), ("confirmation_channel", request.ConfirmationChannel, 50));
            // The brief: the agreed solution is confirmed in writing. A call is not writing.
            if (!WrittenChannels.Contains(request.ConfirmationChannel.Trim()))
                new FieldViolations().Add("confirmation_channel", $"must be a written channel ({string.Join(", ", WrittenChannels)}), not '{request.ConfirmationChannel}'").ThrowIfAny();
        }
        else
            Text.Require(("preferred_remedy", request.PreferredRemedy, 2000));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => RecordDecision(state, request, caller, wording, now), cancellationToken);
        return new RecordCustomerDecisionResponse { Version = version };
    }

    /// <summary>A remedy proposed on a workable case; above the proposer's limit it waits for approval.</summary>
    public static IReadOnlyList<object> Propose(CaseState state, ProposeRemedy command, Caller caller, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        if (command.AlternativeTo is { } replaced && !state.Remedies.ContainsKey(replaced))
            throw Rejection.NotFound($"No remedy {replaced} on this complaint to offer an alternative to");
        return [new RemedyProposed(state.ComplaintId, command.RemedyId, command.Kind, command.Amount, command.Currency, state.Seal(command.Description),
            caller.Subject, caller.Role, command.AlternativeTo, command.RequiresApprovalFrom, now)];
    }

    /// <summary>Approval or refusal of a waiting remedy: never by its proposer, never above the decider's own limit.</summary>
    public static IReadOnlyList<object> DecideApproval(CaseState state, DecideApprovalRequest request, Caller caller, ApprovalLimits limits, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        var remedy = Remedy(state, request.RemedyId);
        CaseStream.Require(remedy.Stage == RemedyStage.PendingApproval, $"Remedy {remedy.Id} does not wait for approval (it is {remedy.Stage})");
        if (remedy.ProposedBy == caller.Subject)
            throw Rejection.Forbidden("Nobody approves their own proposal; another person with enough authority must decide");
        if (request.Approve && remedy.Amount > limits.LimitOf(caller.Role))
            throw Rejection.Forbidden($"A {caller.Role} may grant up to {limits.LimitOf(caller.Role)} {limits.Currency}; " +
                $"{remedy.Amount} needs a {remedy.RequiresApprovalFrom}");
        return [request.Approve
            ? new RemedyApproved(state.ComplaintId, remedy.Id, caller.Subject, caller.Role, state.Seal(request.Reason), now)
            : new RemedyRefused(state.ComplaintId, remedy.Id, caller.Subject, caller.Role, state.Seal(request.Reason), now)];
    }

    /// <summary>
    /// The customer's decision on an offered remedy: accepted, it resolves the complaint with a
    /// written confirmation (wording checked); rejected, routing escalates one tier when it sees it.
    /// </summary>
    public static IReadOnlyList<object> RecordDecision(CaseState state, RecordCustomerDecisionRequest request, Caller caller, WordingPolicy wording, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        var remedy = Remedy(state, request.RemedyId);
        CaseStream.Require(remedy.Stage is RemedyStage.Proposed or RemedyStage.Approved, remedy.Stage switch
        {
            RemedyStage.PendingApproval => $"Remedy {remedy.Id} still waits for approval by a {remedy.RequiresApprovalFrom}; it cannot be offered yet",
            RemedyStage.Refused => $"Remedy {remedy.Id} was refused; propose an alternative",
            _ => $"The customer already decided on remedy {remedy.Id} ({remedy.Stage})",
        });
        if (!request.Accepted)
            return [new RemedyRejected(state.ComplaintId, remedy.Id, state.Seal(request.PreferredRemedy), caller.Subject, now)];
        List<object> events = [.. wording.Enforce(state.ComplaintId, "confirmation", request.Confirmation, request.Override, caller, now)];
        events.Add(new RemedyAccepted(state.ComplaintId, remedy.Id, caller.Subject, request.ConfirmationChannel, now));
        events.Add(new ComplaintResolved(state.ComplaintId, remedy.Id, caller.Subject, now));
        events.Add(new ResolutionConfirmed(state.ComplaintId, state.Seal(request.Confirmation), caller.Subject, request.ConfirmationChannel, now));
        return events;
    }

    private static RemedyLife Remedy(CaseState state, string remedyId)
    {
        if (!Guid.TryParse(remedyId, out var id)) throw Rejection.Field("remedy_id", "is not a remedy id");
        return state.Remedies.GetValueOrDefault(id)
               ?? throw Rejection.NotFound($"No remedy {id} on complaint {state.ComplaintId}");
    }

    private static string Name(RemedyKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}

/// <summary>A remedy to propose: its id, kind, sum and description in clear, what it replaces, and whose approval it needs ("" for none).</summary>
public sealed record ProposeRemedy(Guid RemedyId, string Kind, decimal Amount, string Currency, string Description, Guid? AlternativeTo, string RequiresApprovalFrom);
