using Complaints.Domain.ComplaintStream;

namespace Complaints.Followup.Facts;

/// <summary>
/// The facts of one complaint that KPIs and the case library need, folded from its stream. It is
/// a projection: the same fold runs on every event (kept current over RabbitMQ) and in a rebuild
/// from scratch, and both must agree.
/// </summary>
public sealed class ComplaintFacts
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    /// <summary>Stream version folded so far; an older fold never overwrites a newer one.</summary>
    public long Version { get; set; }
    public string ComplaintNumber { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public DateTimeOffset FiledAt { get; set; }
    public string Team { get; set; } = "";
    /// <summary>Who owns (or last owned) the case: per-agent figures.</summary>
    public string Agent { get; set; } = "";
    public string Category { get; set; } = "";
    /// <summary>transactional, attitude or suggestion: suggestions make the improvement backlog.</summary>
    public string Kind { get; set; } = "";
    public string Priority { get; set; } = "";
    /// <summary>A supervisor confirmed a harassing or nonsense contact: it stays out of the KPIs.</summary>
    public bool Nuisance { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    /// <summary>The first resolution: handling time and solve rate count from it.</summary>
    public DateTimeOffset? FirstResolvedAt { get; set; }
    public bool Resolved { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Closed after the configured call-back attempts, the customer never reached: counted apart in the KPIs.</summary>
    public bool ClosedWithoutFeedback { get; set; }
    public int Escalations { get; set; }
    public int SlaBreaches { get; set; }
    /// <summary>Which deadlines were breached ("first_response", "regulatory:uk-fca-final-response"...).</summary>
    public List<string> BreachedDeadlines { get; set; } = [];
    public bool Repeat { get; set; }
    public Guid? SecondComplaintOf { get; set; }
    public int Reopens { get; set; }
    public bool Surveyed { get; set; }
    public int Timeliness { get; set; }
    public int Solution { get; set; }
    public int Attitude { get; set; }
    public int Nps { get; set; }
    public string RootCauseCategory { get; set; } = "";
    public List<string> Whys { get; set; } = [];
    public List<Guid> ImprovementActions { get; set; } = [];
    /// <summary>Staff wrote the case up for the library (and the customer was not erased since).</summary>
    public bool HasCaseSummary { get; set; }
    /// <summary>The remedy of the latest resolution.</summary>
    public string RemedyKind { get; set; } = "";
    public decimal RemedyAmount { get; set; }
    public string RemedyCurrency { get; set; } = "";
    public bool Satisfied { get; set; }

    /// <summary>The facts, read from the complaint's one fold; null for a stream that has no filing.</summary>
    public static ComplaintFacts? Fold(Guid complaintId, IEnumerable<(long Version, object Data)> events)
    {
        if (ComplaintLife.Fold(complaintId, events) is not { } life) return null;
        var remedy = life.ResolvedWithRemedy is { } remedyId ? life.Remedies.GetValueOrDefault(remedyId) : null;
        return new ComplaintFacts
        {
            Id = complaintId,
            Version = life.Version,
            ComplaintNumber = life.ComplaintNumber,
            CustomerId = life.CustomerId,
            SubjectKey = life.SubjectKey,
            FiledAt = life.FiledAt,
            Team = life.Team,
            Agent = life.Owner ?? "",
            Category = life.Category,
            Kind = life.Kind,
            Priority = life.Priority,
            Nuisance = life.NuisanceConfirmed,
            FirstResponseAt = life.FirstResponseAt,
            FirstResolvedAt = life.FirstResolvedAt,
            Resolved = life.ResolvedAt is not null,
            ClosedAt = life.ClosedAt,
            ClosedWithoutFeedback = life.ClosedWithoutFeedback,
            Escalations = life.Escalations,
            SlaBreaches = life.Breaches.Count,
            BreachedDeadlines = [.. life.Breaches.Select(b => b.Deadline).Distinct()],
            Repeat = life.IsRepeat,
            SecondComplaintOf = life.SecondComplaintOf,
            Reopens = life.Reopens,
            Surveyed = life.Survey is not null,
            Timeliness = life.Survey?.Timeliness ?? 0,
            Solution = life.Survey?.Solution ?? 0,
            Attitude = life.Survey?.Attitude ?? 0,
            Nps = life.Survey?.Nps ?? 0,
            RootCauseCategory = life.RootCauseCategory,
            Whys = [.. life.Whys],
            ImprovementActions = [.. life.ImprovementActions],
            HasCaseSummary = life.CaseSummary is not null && !life.PersonalDataErased,
            RemedyKind = remedy?.Kind ?? "",
            RemedyAmount = remedy?.Amount ?? 0,
            RemedyCurrency = remedy?.Currency ?? "",
            Satisfied = life.Survey?.Satisfied ?? false,
        };
    }
}
