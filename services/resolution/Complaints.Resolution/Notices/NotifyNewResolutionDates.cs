using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.Domain.ServiceLevels;
using Complaints.ServiceDefaults.ComplaintStreams;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Notices;

/// <summary>
/// A promise never moves silently (the brief: promise concrete times, keep the customer informed):
/// when the resolution date moves past what the customer was promised (routing, a reopening), this
/// sends the customer a notice with the new date, in a written channel, and records it
/// (<see cref="CustomerNotified"/>, sealed with the customer's key). The notice is the configured
/// template, wording-checked at start-up. Resolution learns of moved dates from the relay's notices
/// (a complaint whose page holds <see cref="ResolutionDueChanged"/>), taken in batches
/// (<see cref="TakeChangeNotices"/>): the batch's
/// streams and customers' keys read once, its notices recorded in one transaction, each as caused by
/// the change it tells of, in a span of that change's trace. Idempotent: every change on the stream
/// without its notice (found by the change's version) gets one, so a redelivered or late notice
/// sends nothing twice and a missed one is caught up by the next.
/// </summary>
public sealed class NotifyNewResolutionDates(
    ComplaintWriter writer,
    PersonalDataProtector personalData,
    NoticeTemplates templates)
{
    public const string Purpose = "new_resolution_date";

    private static readonly Actor Notices = Actor.System("resolution.notices");

    /// <summary>Each complaint's changes of date as read (with their versions), and the customers' ciphers (none: never sealed, or erased).</summary>
    private sealed record Read(Dictionary<Guid, IReadOnlyList<JasperFx.Events.IEvent>> Changes, IReadOnlyDictionary<Guid, CustomerCipher> Ciphers);

    public async Task TakeAsync(Batch<ComplaintsChanged> notices, CancellationToken cancellationToken)
    {
        var moved = notices.LatestVersions(change => change.EventTypes.Contains(nameof(ResolutionDueChanged))).Keys;
        var failed = new List<Exception>();
        foreach (var chunk in moved.Chunk(ComplaintNotices.PerTransaction))
        {
            var written = await writer.ExecuteManyAsync(chunk, Notices,
                async (streams, session, token) => new Read(
                    streams.ToDictionary(s => s.Life.Id, s => (IReadOnlyList<JasperFx.Events.IEvent>)[.. s.History.Where(e => e.Data is ResolutionDueChanged)]),
                    await personalData.CiphersAsync(session, streams.Select(s => s.Life.CustomerKeyId).OfType<Guid>(), token)),
                (life, read, now) => DecideAll(life, read, now),
                history => history.Last(e => e.Data is ResolutionDueChanged),
                cancellationToken: cancellationToken);
            failed.AddRange(written.Failed.Values);
        }
        if (failed.Count > 0) throw new AggregateException($"{failed.Count} complaint(s) of the batch could not be told their new date; the rest were", failed);
    }

    private IReadOnlyList<object> DecideAll(ComplaintLife life, Read read, DateTimeOffset now)
    {
        var seal = life.CustomerKeyId is { } keyId && read.Ciphers.TryGetValue(keyId, out var cipher)
            ? (Func<string, string>)(text => cipher.Protect(PersonalField.Text, text))
            : null;
        return [.. read.Changes[life.Id].SelectMany(change => Decide(life, (ResolutionDueChanged)change.Data, change.Version, templates, seal, now))];
    }

    /// <summary>
    /// The notice of a moved date, once per change (found on the stream by the change's version);
    /// none for a customer whose data was never sealed or was erased (<paramref name="seal"/> null).
    /// </summary>
    public static IReadOnlyList<object> Decide(
        ComplaintLife life, ResolutionDueChanged changed, long aboutVersion, NoticeTemplates templates, Func<string, string>? seal, DateTimeOffset now)
    {
        if (seal is null || life.Notices.Any(n => n.Purpose == Purpose && n.AboutVersion == aboutVersion)) return [];
        var message = templates.NewResolutionDate(life.ComplaintNumber, changed.NewDue);
        return [new CustomerNotified(life.Id, NoticeTemplates.WrittenChannelFor(life.Channel), seal(message), Purpose, aboutVersion, now)];
    }
}

/// <summary>The texts the platform itself sends customers (Complaints:Resolution:Notices), checked against the forbidden wording once, at start.</summary>
public sealed class NoticeTemplates
{
    private readonly string newResolutionDate;
    private readonly TimeZoneInfo zone;

    public NoticeTemplates(IOptions<ResolutionOptions> options, IOptions<SlaOptions> sla, WordingPolicy wording)
    {
        newResolutionDate = options.Value.NewResolutionDateNotice;
        zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);
        if (!newResolutionDate.Contains("{date}", StringComparison.Ordinal))
            throw new InvalidOperationException($"{ResolutionOptions.Section}:NewResolutionDateNotice must say the new date with {{date}}");
        if (wording.Check(newResolutionDate) is { Count: > 0 } violations)
            throw new InvalidOperationException($"{ResolutionOptions.Section}:NewResolutionDateNotice uses forbidden wording: {string.Join(", ", violations.Select(v => v.Phrase))}");
    }

    public string NewResolutionDate(string complaintNumber, DateTimeOffset due) =>
        newResolutionDate
            .Replace("{number}", complaintNumber, StringComparison.Ordinal)
            .Replace("{date}", TimeZoneInfo.ConvertTime(due, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Notices go in writing: by the channel the customer used when it is a written one, by SMS otherwise.</summary>
    public static string WrittenChannelFor(string channel) =>
        channel is "email" or "web_chat" or "mobile_app" or "social_media" ? channel : "sms";
}
