using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Stream;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.ServiceDefaults.Text;
using Grpc.Core;
using Marten;

namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// Writes a resolved case up for the library: the decision screens the texts against the
/// customer's own name and contacts, the stream records them sealed, and the searchable copy is
/// stored in the same transaction. An agent writes up only their own case, a supervisor their team's.
/// </summary>
public sealed class WriteCaseSummaryHandler(IDocumentSession session, PersonalDataProtector personalData, TimeProvider clock)
{
    public async Task<WriteCaseSummaryResponse> HandleAsync(WriteCaseSummaryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var id))
            new FieldViolations().Add("complaint_id", "is not a complaint id (a UUID)").ThrowIfAny();
        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        var life = ComplaintLife.Fold(id, events.Select(e => (e.Version, e.Data)))
                   ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        caller.Require(!caller.Is(Roles.Agent) || life.Owner == caller.Subject, "an agent writes up only the cases assigned to them");
        caller.Require(!caller.Is(Roles.Supervisor) || life.Team == caller.Team, $"a supervisor writes up the cases of their own team; this one is {life.Team}'s");

        var ownValues = new List<string>();
        foreach (var sealedValue in new[] { life.CustomerName, life.CustomerPhone, life.CustomerEmail })
            if (sealedValue.Length > 0) ownValues.Add(await personalData.RevealAsync(sealedValue, cancellationToken));
        var command = new WriteCaseSummaryCommand(request.MaskedDescription, request.HandlingSummary);
        var cipher = life.CustomerKeyId is { } keyId ? await personalData.CipherAsync(keyId, cancellationToken) : null;
        var written = CaseSummaryDecision.Decide(life, command, ownValues,
            text => cipher?.Protect(PersonalField.Text, text) ?? text, caller.Subject, clock.GetUtcNow());

        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(id, life.Version + 1, written);
        var description = command.MaskedDescription.Trim();
        var handling = command.HandlingSummary.Trim();
        session.Store(new CaseLibraryText
        {
            Id = id, MaskedDescription = description, HandlingSummary = handling,
            SearchText = CustomerText.Normalize(description + "\n" + handling),
            WrittenBy = caller.Subject, WrittenAt = written.WrittenAt,
        });
        // A concurrent append fails the save at the version read: the interceptor answers Aborted.
        await session.SaveChangesAsync(cancellationToken);
        return new WriteCaseSummaryResponse();
    }
}
