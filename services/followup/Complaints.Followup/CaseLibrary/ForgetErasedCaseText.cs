using Complaints.Contracts.Events;
using Marten;
using MassTransit;

namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// Erasure reaches the library: the searchable copy of an erased customer's case is deleted (the
/// stream's sealed copy became unreadable when the key was destroyed). Deleting twice is harmless.
/// </summary>
public sealed class ForgetErasedCaseText(IDocumentSession session) : IConsumer<CustomerDataErased>
{
    public async Task Consume(ConsumeContext<CustomerDataErased> context)
    {
        session.Delete<CaseLibraryText>(context.Message.ComplaintId);
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
