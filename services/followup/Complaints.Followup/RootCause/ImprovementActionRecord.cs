namespace Complaints.Followup.RootCause;

/// <summary>An improvement action from a root-cause review, and the later complaints linked to check it worked.</summary>
public sealed class ImprovementActionRecord
{
    public Guid Id { get; set; }
    public Guid SourceComplaintId { get; set; }
    public string RootCauseCategory { get; set; } = "";
    public string Description { get; set; } = "";
    public string Owner { get; set; } = "";
    public DateOnly DueDate { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public List<Guid> LinkedComplaints { get; set; } = [];
    /// <summary>Carried out; from then on later complaints with the same root cause count against it.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}
