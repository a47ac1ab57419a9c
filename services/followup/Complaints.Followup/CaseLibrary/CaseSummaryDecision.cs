using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;

namespace Complaints.Followup.CaseLibrary;

/// <summary>A case written up for the library, in clear, before it is sealed.</summary>
public sealed record WriteCaseSummaryCommand(string MaskedDescription, string HandlingSummary);

/// <summary>
/// Whether a case may enter the library with this write-up: only a resolved case (the library
/// teaches what worked), never one whose customer was erased, and never text that identifies
/// anyone (<see cref="PersonalDataScreen"/>, given the customer's own name and contacts in clear).
/// </summary>
public static class CaseSummaryDecision
{
    public const int MaxLength = 2000;

    /// <param name="seal">Seals a text under the customer's key.</param>
    public static CaseSummaryWritten Decide(ComplaintLife life, WriteCaseSummaryCommand command, IReadOnlyList<string> customersOwnValues,
        Func<string, string> seal, string writer, DateTimeOffset now)
    {
        var problems = new FieldProblems();
        Check("masked_description", command.MaskedDescription);
        Check("handling_summary", command.HandlingSummary);
        problems.ThrowIfAny();

        Rejection.Require(!life.PersonalDataErased, "The customer's data was erased; their case stays out of the library");
        Rejection.Require(life.FirstResolvedAt is not null, "The case is not resolved yet; the library keeps how cases were resolved");
        return new CaseSummaryWritten(life.Id, seal(command.MaskedDescription.Trim()), seal(command.HandlingSummary.Trim()), writer, now);

        void Check(string field, string text)
        {
            if (string.IsNullOrWhiteSpace(text)) problems.Add(field, "is required");
            else if (text.Length > MaxLength) problems.Add(field, $"is longer than {MaxLength} characters");
            else
                foreach (var problem in PersonalDataScreen.Find(text, customersOwnValues))
                    problems.Add(field, $"{problem}: the library is read by every agent, so write the case without personal data");
        }
    }
}
