using Complaints.Contracts.Events;

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
    public string Category { get; set; } = "";
    public DateTimeOffset? FirstResponseAt { get; set; }
    /// <summary>The first resolution: handling time and solve rate count from it.</summary>
    public DateTimeOffset? FirstResolvedAt { get; set; }
    public bool Resolved { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Escalations { get; set; }
    public int SlaBreaches { get; set; }
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

    public static ComplaintFacts? Fold(Guid complaintId, IEnumerable<(long Version, object Data)> events)
    {
        var facts = new ComplaintFacts { Id = complaintId };
        var filed = false;
        foreach (var (version, data) in events)
        {
            facts.Version = version;
            filed |= data is ComplaintFiled;
            facts.Apply(data);
        }
        return filed ? facts : null;
    }

    private void Apply(object @event)
    {
        switch (@event)
        {
            case ComplaintFiled e:
                ComplaintNumber = e.ComplaintNumber; CustomerId = e.CustomerId; SubjectKey = e.SubjectKey; FiledAt = e.FiledAt; Repeat = e.IsRepeat;
                break;
            case ComplaintTriaged e: Category = e.Category; break;
            case ComplaintRouted e: Team = e.Team; break;
            case ComplaintEscalated: Escalations++; break;
            case SlaBreached: SlaBreaches++; break;
            case FirstResponseSent e: FirstResponseAt ??= e.SentAt; break;
            case ComplaintResolved e: FirstResolvedAt ??= e.ResolvedAt; Resolved = true; break;
            case ComplaintReopened: Reopens++; Resolved = false; break;
            case ComplaintClosed e: ClosedAt = e.ClosedAt; break;
            case SecondComplaintLinked e: SecondComplaintOf = e.FirstComplaintId; break;
            case SurveyRecorded e:
                Surveyed = true; Timeliness = e.Timeliness; Solution = e.Solution; Attitude = e.Attitude; Nps = e.Nps;
                break;
            case RootCauseIdentified e: RootCauseCategory = e.RootCauseCategory; Whys = [.. e.Whys]; break;
            case ImprovementActionOpened e: ImprovementActions.Add(e.ActionId); break;
        }
    }
}
