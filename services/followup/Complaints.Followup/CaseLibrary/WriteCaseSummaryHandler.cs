using Complaints.Contracts.Followup.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Text;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// Writes a resolved case up for the library: the decision screens the texts against the
/// customer's own name and contacts, the stream records them sealed, and the searchable copy is
/// stored in the same transaction. An agent writes up only their own case, a supervisor their team's.
/// </summary>
public sealed class WriteCaseSummaryHandler(ComplaintWriter writer, PersonalDataProtector personalData)
{
    public async Task<WriteCaseSummaryResponse> HandleAsync(WriteCaseSummaryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var id))
            new FieldViolations().Add("complaint_id", "is not a complaint id (a UUID)").ThrowIfAny();
        var command = new WriteCaseSummaryCommand(request.MaskedDescription, request.HandlingSummary);
        await writer.ExecuteAsync(id, new Actor(caller.Subject, caller.Role),
            async (life, _, token) =>
            {
                MayWriteUp(life, caller);
                var ownValues = new List<string>();
                foreach (var sealedValue in new[] { life.CustomerName, life.CustomerPhone, life.CustomerEmail })
                    if (sealedValue.Length > 0) ownValues.Add(await personalData.RevealAsync(sealedValue, token));
                var cipher = life.CustomerKeyId is { } keyId ? await personalData.CipherAsync(keyId, token) : null;
                return (ownValues, cipher);
            },
            (life, read, now) => [CaseSummaryDecision.Decide(life, command, read.ownValues,
                text => read.cipher?.Protect(PersonalField.Text, text) ?? text, caller.Subject, now)],
            new WriteOptions
            {
                // The searchable copy, in the same transaction as the sealed write-up.
                AlsoStore = (session, _, events) =>
                {
                    var description = command.MaskedDescription.Trim();
                    var handling = command.HandlingSummary.Trim();
                    session.Store(new CaseLibraryText
                    {
                        Id = id, MaskedDescription = description, HandlingSummary = handling,
                        SearchText = CustomerText.Normalize(description + "\n" + handling),
                        WrittenBy = caller.Subject, WrittenAt = events.OfType<Contracts.Events.CaseSummaryWritten>().Single().WrittenAt,
                    });
                },
            }, cancellationToken);
        return new WriteCaseSummaryResponse();
    }

    /// <summary>Checked before the people's data is revealed: an agent writes up only their own case, a supervisor their team's.</summary>
    private static void MayWriteUp(Domain.ComplaintStream.ComplaintLife life, Caller caller)
    {
        caller.Require(!caller.Is(Roles.Agent) || life.Owner == caller.Subject, "an agent writes up only the cases assigned to them");
        caller.Require(!caller.Is(Roles.Supervisor) || life.Team == caller.Team, $"a supervisor writes up the cases of their own team; this one is {life.Team}'s");
    }
}
