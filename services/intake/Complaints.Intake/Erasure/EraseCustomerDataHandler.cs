using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Contracts.Intake.V1;
using Complaints.Intake.CustomerHistory;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ComplaintStreams;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Erasure;

/// <summary>
/// The right to be forgotten, by crypto-shredding: unless a legal hold applies, destroys the
/// customer's data key and records <see cref="CustomerDataErased"/> (who and why) on each of their
/// complaints, in one transaction. Events, counts and KPIs stay; personal fields read as erased.
/// </summary>
public sealed class EraseCustomerDataHandler(
    IDocumentSession session,
    PersonalDataProtector personalData,
    IOptions<LegalHoldOptions> hold,
    TimeProvider clock,
    ILogger<EraseCustomerDataHandler> logger)
{
    public async Task<EraseCustomerDataResponse> HandleAsync(EraseCustomerDataRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (string.IsNullOrWhiteSpace(request.CustomerId)) violations.Add("customer_id", "is required");
        if (string.IsNullOrWhiteSpace(request.Reason)) violations.Add("reason", "is required: say why (e.g. the customer's request reference)");
        else if (request.Reason.Length > 1000) violations.Add("reason", "is longer than 1000 characters");
        violations.ThrowIfAny();

        var customerId = request.CustomerId.Trim();
        var complaintIds = await session.Query<CustomerComplaintRecord>()
            .Where(c => c.CustomerId == customerId).Select(c => c.Id).ToListAsync(cancellationToken);
        if (complaintIds.Count == 0) throw Rejection.NotFound("No complaints for that customer id");

        var lives = new List<ComplaintLife>();
        foreach (var id in complaintIds)
        {
            var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
            if (ComplaintLife.Fold(id, events.Select(e => (e.Version, e.Data))) is { } life) lives.Add(life);
        }
        var now = clock.GetUtcNow();
        var held = LegalHold.Blocks(lives, hold.Value.RetentionPeriod, now);
        Rejection.Require(held is null, $"Erasure refused under legal hold: {held}");

        var keyId = await personalData.DestroyKeyAsync(session, customerId, cancellationToken);
        var response = new EraseCustomerDataResponse { ComplaintIds = { complaintIds.Select(id => id.ToString()) } };
        if (keyId is null)
        {
            response.AlreadyErased = true;
            return response;
        }

        ComplaintWriter.AppendDecided(session, new Actor(caller.Subject, caller.Role),
            lives.Select(life => (life, (IReadOnlyList<object>)[new CustomerDataErased(life.Id, keyId.Value, caller.Subject, request.Reason, now)])));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
        {
            throw new Rejection(RejectionKind.Conflict, "One of the customer's complaints changed meanwhile; retry: nothing was erased");
        }
        logger.LogInformation("Personal data of {Complaints} complaints erased by {Role} {Subject}", complaintIds.Count, caller.Role, caller.Subject);
        return response;
    }
}
