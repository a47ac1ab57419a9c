using System.Globalization;
using Complaints.Contracts.Events;
using Complaints.Contracts.Stream;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.ServiceLevels;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Notices;

/// <summary>
/// A promise never moves silently (the brief: promise concrete times, keep the customer informed):
/// when routing moves the resolution date past what the customer was promised, this sends the
/// customer a notice with the new date, in a written channel, and records it
/// (<see cref="CustomerNotified"/>, sealed with the customer's key). The notice is the configured
/// template, wording-checked at start-up. Idempotent: a redelivered change finds its notice on the
/// stream (by the change's version) and sends nothing.
/// </summary>
public sealed class NotifyNewResolutionDate(
    IDocumentSession session,
    PersonalDataProtector personalData,
    NoticeTemplates templates,
    TimeProvider clock) : IConsumer<ResolutionDueChanged>
{
    public const string Purpose = "new_resolution_date";

    public async Task Consume(ConsumeContext<ResolutionDueChanged> context)
    {
        var changed = context.Message;
        var about = context.StreamVersion();
        var events = await session.Events.FetchStreamAsync(changed.ComplaintId, token: context.CancellationToken);
        if (ComplaintLife.Fold(changed.ComplaintId, events.Select(e => (e.Version, e.Data))) is not { } life) return;
        if (life.Notices.Any(n => n.Purpose == Purpose && n.AboutVersion == about) || life.CustomerKeyId is not { } keyId) return;

        var cipher = await personalData.CipherAsync(keyId, context.CancellationToken);
        var message = templates.NewResolutionDate(life.ComplaintNumber, changed.NewDue);
        session.StampReaction(context);
        session.StampActor("resolution.notices", "system");
        session.Events.Append(changed.ComplaintId, life.Version + 1,
            new CustomerNotified(changed.ComplaintId, NoticeTemplates.WrittenChannelFor(life.Channel), cipher.Protect(PersonalField.Text, message), Purpose, about, clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
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
