namespace Complaints.Intake.CustomerHistory;

/// <summary>One row of a customer's complaint history, written when the complaint is filed.</summary>
public sealed class CustomerComplaintRecord
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    public string CustomerId { get; set; } = "";
    public string ComplaintNumber { get; set; } = "";
    public DateTimeOffset FiledAt { get; set; }
    public string Channel { get; set; } = "";
    /// <summary>What the complaint is about ("order:a-1", "product:x", "account:y"), or "" when unknown.</summary>
    public string SubjectKey { get; set; } = "";
    public bool IsRepeat { get; set; }
    public Guid? RepeatOf { get; set; }
    public string Summary { get; set; } = "";
}

/// <summary>
/// A customer's latest complaints, newest first, as a compiled query: every filing asks it (repeat
/// detection), and Marten then translates its LINQ once per process instead of once per call.
/// </summary>
public sealed class LatestComplaintsOf : Marten.Linq.ICompiledListQuery<CustomerComplaintRecord>
{
    public string CustomerId { get; set; } = "";
    public int Count { get; set; }

    public System.Linq.Expressions.Expression<Func<Marten.Linq.IMartenQueryable<CustomerComplaintRecord>, IEnumerable<CustomerComplaintRecord>>> QueryIs() =>
        records => records.Where(c => c.CustomerId == CustomerId).OrderByDescending(c => c.FiledAt).Take(Count);
}
