namespace Complaints.Followup.Callbacks;

public sealed class FollowupOptions
{
    public const string Section = "Complaints:Followup";
    /// <summary>The call-back to ask about satisfaction comes this long after resolution (the brief: a few days).</summary>
    public TimeSpan CallbackAfter { get; set; } = TimeSpan.FromDays(3);
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>An improvement action is verified when its root cause stays away this long after it was carried out.</summary>
    public TimeSpan VerificationPeriod { get; set; } = TimeSpan.FromDays(30);
    /// <summary>
    /// Call-backs in which the customer could not be reached before the complaint closes as
    /// "closed, no feedback" (so that it does not stay open, and its personal data held, for ever).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 20)]
    public int CallbackAttempts { get; set; } = 3;
}

/// <summary>A durable call-back timer (in PostgreSQL, so it survives restarts).</summary>
public sealed class CallbackClock
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    /// <summary>The resolution this call-back follows; a later resolution (after a reopen) schedules a new one.</summary>
    public DateTimeOffset ResolvedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public bool Fired { get; set; }
}
