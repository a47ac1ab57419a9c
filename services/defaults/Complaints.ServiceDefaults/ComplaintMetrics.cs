using System.Diagnostics.Metrics;
using Complaints.Contracts.Events;

namespace Complaints.ServiceDefaults;

/// <summary>
/// What happens to complaints, as OpenTelemetry counters an on-call engineer can alert on
/// (docs/operations.md). Counted where every committed event passes once: the relay, when the
/// broker has confirmed an event. Relay failover may republish an event, so a count can run a
/// little high after a takeover; never low. No attribute carries personal data: only channels,
/// teams, tiers, kinds and flags, which are closed sets.
/// </summary>
public static class ComplaintMetrics
{
    public const string MeterName = "Complaints";
    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Filed = Meter.CreateCounter<long>("complaints.filed", "{complaint}", "Complaints accepted, by channel");
    private static readonly Counter<long> Assigned = Meter.CreateCounter<long>("complaints.assigned", "{complaint}", "Assignments to an agent or a supervisor's desk, by team and tier");
    private static readonly Counter<long> TriageReviews = Meter.CreateCounter<long>("complaints.triage.reviews", "{complaint}", "Triages unsure enough to need a person's review");
    private static readonly Counter<long> Emergencies = Meter.CreateCounter<long>("complaints.emergencies", "{complaint}", "Complaints triaged as emergencies, by kind");
    private static readonly Counter<long> Breaches = Meter.CreateCounter<long>("complaints.sla.breaches", "{breach}", "Deadlines missed (first response, resolution, commitments, regulatory clocks), by deadline and tier");
    private static readonly Counter<long> Escalations = Meter.CreateCounter<long>("complaints.escalations", "{escalation}", "Escalations, by the tier reached");
    private static readonly Counter<long> Resolved = Meter.CreateCounter<long>("complaints.resolved", "{complaint}", "Complaints resolved");
    private static readonly Counter<long> Closed = Meter.CreateCounter<long>("complaints.closed", "{complaint}", "Complaints closed, with or without the customer's feedback");
    private static readonly Counter<long> Reopened = Meter.CreateCounter<long>("complaints.reopened", "{complaint}", "Complaints reopened after follow-up");
    private static readonly Counter<long> MissedUpdates = Meter.CreateCounter<long>("complaints.progress_updates.missed", "{complaint}", "Complex cases that went a day without news for the customer");

    /// <summary>Counts one committed event.</summary>
    public static void Record(object @event)
    {
        switch (@event)
        {
            case ComplaintFiled filed:
                Filed.Add(1, new KeyValuePair<string, object?>("complaints.channel", filed.Channel));
                break;
            case ComplaintTriaged triaged:
                if (triaged.NeedsReview) TriageReviews.Add(1);
                foreach (var flag in triaged.EmergencyFlags) Emergencies.Add(1, new KeyValuePair<string, object?>("complaints.emergency", flag));
                break;
            case ComplaintAssigned assigned:
                Assigned.Add(1, new("complaints.team", assigned.Team), new("complaints.tier", assigned.Tier));
                break;
            case SlaBreached breached:
                Breaches.Add(1, new("complaints.deadline", DeadlineKind(breached.Deadline)), new("complaints.tier", breached.Tier));
                break;
            case ComplaintEscalated escalated:
                Escalations.Add(1, new KeyValuePair<string, object?>("complaints.tier", escalated.ToTier));
                break;
            case ComplaintResolved:
                Resolved.Add(1);
                break;
            case ComplaintClosed closed:
                Closed.Add(1, new KeyValuePair<string, object?>("complaints.without_feedback", closed.WithoutFeedback));
                break;
            case ComplaintReopened:
                Reopened.Add(1);
                break;
            case ProgressUpdateMissed:
                MissedUpdates.Add(1);
                break;
        }
    }

    /// <summary>
    /// The kind of deadline, bounded: "first_response", "resolution", and the prefix of the others
    /// ("commitment:...", "regulatory:cn-decision", "department:...") so an attribute never carries an id or free text.
    /// </summary>
    internal static string DeadlineKind(string deadline) => Domain.ServiceLevels.Deadline.Parse(deadline).KindName;
}
