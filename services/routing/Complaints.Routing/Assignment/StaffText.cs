using Complaints.Contracts.Events;
using Complaints.ServiceDefaults.PersonalData;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.Assignment;

/// <summary>
/// Staff's free text about a customer (why a case moved, went up, or its triage was corrected) is
/// personal data: sealed under the customer's data key like the complaint's own text, so it is
/// masked for analysts, unreadable on the bus and in the error queues, and gone on erasure.
/// </summary>
public sealed class StaffText(IDocumentSession session, PersonalDataProtector personalData)
{
    public async Task<string> SealAsync(Guid complaintId, string text, CancellationToken cancellationToken)
    {
        var first = await session.Events.FetchStreamAsync(complaintId, version: 1, token: cancellationToken);
        return await SealAsync((first.FirstOrDefault()?.Data as ComplaintFiled)?.CustomerKeyId, text, cancellationToken);
    }

    public async Task<string> SealAsync(Guid? customerKeyId, string text, CancellationToken cancellationToken)
    {
        if (customerKeyId is not { } keyId)
            throw new Complaints.Domain.Rules.Rejection(Complaints.Domain.Rules.RejectionKind.FailedPrecondition, "The complaint has no customer data key to seal the text with");
        // Throws FailedPrecondition once the customer's data was erased: nothing personal is recorded any more.
        return (await personalData.CipherAsync(keyId, cancellationToken)).Protect(PersonalField.Text, text);
    }
}
