using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Contracts.Stream;
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
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            if (alternativeTo is { } replaced && !state.Remedies.ContainsKey(replaced))
                throw new RpcException(new Status(StatusCode.NotFound, $"No remedy {replaced} on this complaint to offer an alternative to"));
            return [new RemedyProposed(state.ComplaintId, remedyId, Name(request.Kind), amount, limits.Value.Currency, state.Seal(request.Description),
                caller.Subject, caller.Role, alternativeTo, approval, clock.GetUtcNow())];
        }, cancellationToken);
        return new ProposeRemedyResponse { RemedyId = remedyId.ToString(), RequiresApprovalFrom = approval, Version = version };
    }

    public async Task<DecideApprovalResponse> DecideAsync(DecideApprovalRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("reason", request.Reason, 2000));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            var remedy = Remedy(state, request.RemedyId);
            CaseStream.Require(remedy.Stage == RemedyStage.PendingApproval, $"Remedy {remedy.Id} does not wait for approval (it is {remedy.Stage})");
            if (remedy.ProposedBy == caller.Subject)
                throw new RpcException(new Status(StatusCode.PermissionDenied, "Nobody approves their own proposal; another person with enough authority must decide"));
            if (request.Approve && remedy.Amount > limits.Value.LimitOf(caller.Role))
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"A {caller.Role} may grant up to {limits.Value.LimitOf(caller.Role)} {limits.Value.Currency}; " +
                    $"{remedy.Amount} needs a {remedy.RequiresApprovalFrom}"));

            var now = clock.GetUtcNow();
            return [request.Approve
                ? new RemedyApproved(state.ComplaintId, remedy.Id, caller.Subject, caller.Role, state.Seal(request.Reason), now)
                : new RemedyRefused(state.ComplaintId, remedy.Id, caller.Subject, caller.Role, state.Seal(request.Reason), now)];
        }, cancellationToken);
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
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            var remedy = Remedy(state, request.RemedyId);
            CaseStream.Require(remedy.Stage is RemedyStage.Proposed or RemedyStage.Approved, remedy.Stage switch
            {
                RemedyStage.PendingApproval => $"Remedy {remedy.Id} still waits for approval by a {remedy.RequiresApprovalFrom}; it cannot be offered yet",
                RemedyStage.Refused => $"Remedy {remedy.Id} was refused; propose an alternative",
                _ => $"The customer already decided on remedy {remedy.Id} ({remedy.Stage})",
            });

            var now = clock.GetUtcNow();
            List<object> events;
            if (request.Accepted)
            {
                events = [.. wording.Enforce(state.ComplaintId, "confirmation", request.Confirmation, request.Override, caller, now)];
                events.Add(new RemedyAccepted(state.ComplaintId, remedy.Id, caller.Subject, request.ConfirmationChannel, now));
                events.Add(new ComplaintResolved(state.ComplaintId, remedy.Id, caller.Subject, now));
                events.Add(new ResolutionConfirmed(state.ComplaintId, state.Seal(request.Confirmation), caller.Subject, request.ConfirmationChannel, now));
            }
            else
            {
                // Routing escalates one tier when it sees the rejection.
                events = [new RemedyRejected(state.ComplaintId, remedy.Id, state.Seal(request.PreferredRemedy), caller.Subject, now)];
            }
            return events;
        }, cancellationToken);
        return new RecordCustomerDecisionResponse { Version = version };
    }

    private static RemedyLife Remedy(CaseState state, string remedyId)
    {
        if (!Guid.TryParse(remedyId, out var id)) new FieldViolations().Add("remedy_id", "is not a remedy id").ThrowIfAny();
        return state.Remedies.GetValueOrDefault(id)
               ?? throw new RpcException(new Status(StatusCode.NotFound, $"No remedy {id} on complaint {state.ComplaintId}"));
    }

    private static string Name(RemedyKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
