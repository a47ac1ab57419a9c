using Complaints.Contracts.Events;
using MassTransit;

namespace Complaints.ServiceDefaults;

/// <summary>What a batch of the relay's <see cref="ComplaintsChanged"/> notices asks of a reader that folds from the store.</summary>
public static class ComplaintNotices
{
    /// <summary>
    /// Complaints a reader folds in one transaction at most: a backlog's notices can name thousands,
    /// and one transaction for all of them would hold its locks and its memory for as long.
    /// </summary>
    public const int PerTransaction = 200;

    /// <summary>
    /// Each complaint the notices name (those <paramref name="concerns"/> accepts, all by default)
    /// with the highest stream version announced for it: notices come redelivered and out of order,
    /// and a reader folded up to that version has nothing to do.
    /// </summary>
    public static Dictionary<Guid, long> LatestVersions(this Batch<ComplaintsChanged> notices, Func<ComplaintChange, bool>? concerns = null)
    {
        var latest = new Dictionary<Guid, long>();
        foreach (var change in notices.SelectMany(notice => notice.Message.Changes))
            if (concerns is null || concerns(change))
                latest[change.ComplaintId] = Math.Max(latest.GetValueOrDefault(change.ComplaintId), change.Version);
        return latest;
    }
}
