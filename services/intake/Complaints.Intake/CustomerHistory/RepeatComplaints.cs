using Complaints.Contracts.Intake.V1;

namespace Complaints.Intake.CustomerHistory;

/// <summary>Recognises a repeat complaint: same customer, same subject, within the window.</summary>
public static class RepeatComplaints
{
    /// <summary>
    /// The subject a complaint is about, from its references, most specific first: an order names
    /// one purchase, a product many, an account everything the customer holds. An order or account
    /// reference identifies the customer, so it is kept only as <paramref name="pseudonym"/> makes it
    /// (keyed with the customer's data key: equal for one customer, unreadable, gone on erasure); a
    /// product reference (a model) is kept as it is.
    /// </summary>
    public static string SubjectKey(Subject? subject, Func<string, string> pseudonym)
    {
        if (subject is null) return "";
        if (!string.IsNullOrWhiteSpace(subject.OrderRef)) return "order:" + pseudonym(Normalise(subject.OrderRef));
        if (!string.IsNullOrWhiteSpace(subject.ProductRef)) return "product:" + Normalise(subject.ProductRef);
        if (!string.IsNullOrWhiteSpace(subject.AccountRef)) return "account:" + pseudonym(Normalise(subject.AccountRef));
        return "";
    }

    /// <summary>The most recent earlier complaint this one repeats, if any. <paramref name="earlier"/> is newest first.</summary>
    public static CustomerComplaintRecord? RepeatOf(IEnumerable<CustomerComplaintRecord> earlier, string subjectKey, DateTimeOffset now, TimeSpan window) =>
        subjectKey.Length == 0
            ? null
            : earlier.FirstOrDefault(c => c.SubjectKey == subjectKey && c.FiledAt >= now - window);

    private static string Normalise(string reference) => reference.Trim().ToUpperInvariant();
}
