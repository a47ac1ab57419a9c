using Complaints.ServiceDefaults.Security;
using Marten;

namespace Complaints.ServiceDefaults.Audit;

/// <summary>How the personal data of a read came back to the reader.</summary>
public enum PersonalDataReadView { Clear, Masked, Erased }

/// <summary>One read of a complaint's personal data: who, in which role, through which RPC, when, and how it read.</summary>
public sealed class PersonalDataRead
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public string Subject { get; set; } = "";
    public string Role { get; set; } = "";
    public string Rpc { get; set; } = "";
    public PersonalDataReadView View { get; set; }
    public DateTimeOffset ReadAt { get; set; }
}

/// <summary>
/// Records every read of complaints' personal data, by any role, before the data is returned: a
/// regulator may ask who saw a customer's details. The record holds ids only, nothing personal.
/// If it cannot be written the read fails (Unavailable), so no read goes unrecorded.
/// </summary>
public sealed class PersonalDataReads(IDocumentStore store, TimeProvider clock)
{
    public static void Configure(StoreOptions options) =>
        options.Schema.For<PersonalDataRead>().Index(r => r.ComplaintId).Index(r => r.ReadAt);

    public async Task RecordAsync(IEnumerable<Guid> complaintIds, Caller caller, string rpc, PersonalDataReadView view, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var now = clock.GetUtcNow();
        foreach (var complaintId in complaintIds.Distinct())
        {
            session.Store(new PersonalDataRead
            {
                Id = Guid.CreateVersion7(now), ComplaintId = complaintId, Subject = caller.Subject, Role = caller.Role, Rpc = rpc, View = view, ReadAt = now,
            });
        }
        await session.SaveChangesAsync(cancellationToken);
    }
}
