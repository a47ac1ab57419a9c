using System.Runtime.ExceptionServices;
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

    /// <summary>
    /// Hands a batch of notices to each of a service's readers in turn: a service takes the notices
    /// from one queue, so a page costs it one delivery however many of its views follow whole
    /// complaints. A reader that fails does not keep the others from their work; the batch then
    /// fails and is retried for all of them, which every reader must bear (each is idempotent:
    /// it folds up to a version, or decides again on the stream).
    /// </summary>
    public static Task TakeAllAsync(this ConsumeContext<Batch<ComplaintsChanged>> notices,
        params Func<Batch<ComplaintsChanged>, CancellationToken, Task>[] readers) =>
        EachAsync(notices.Message, readers, notices.CancellationToken);

    /// <summary>Hands <paramref name="input"/> to each reader in turn; then rethrows the one failure, or all of them together.</summary>
    public static async Task EachAsync<T>(T input, IReadOnlyList<Func<T, CancellationToken, Task>> readers, CancellationToken cancellationToken)
    {
        var failed = new List<Exception>();
        foreach (var read in readers)
        {
            try { await read(input, cancellationToken); }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
            catch (Exception ex) { failed.Add(ex); }
        }
        if (failed.Count == 1) ExceptionDispatchInfo.Throw(failed[0]);
        if (failed.Count > 1) throw new AggregateException("More than one reader of the notices failed; the batch is retried for all", failed);
    }
}
