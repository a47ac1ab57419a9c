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
/// when routing moves the resolution date past what the customer was promised, this sends the
/// customer a notice with the new date, in a written channel, and records it
/// (<see cref="CustomerNotified"/>, sealed with the customer's key). The notice is the configured
/// template, wording-checked at start-up. Idempotent: a redelivered change finds its notice on the
/// stream (by the change's version) and sends nothing.
/// </summary>
public sealed class NotifyNewResolutionDate(
    ComplaintWriter writer,
    PersonalDataProtector personalData,
    NoticeTemplates templates) : IConsumer<ResolutionDueChanged>
{
    public const string Purpose = "new_resolution_date";

    public async Task Consume(ConsumeContext<ResolutionDueChanged> context)
    {
        var changed = context.Message;
        var about = context.StreamVersion();
        await writer.ExecuteAsync(changed.ComplaintId, Actor.System("resolution.notices"),
            async (life, _, token) => life.CustomerKeyId is { } keyId ? await personalData.CipherAsync(keyId, token) : null,
            (life, customer, now) => Decide(life, changed, about, templates, customer is null ? null : text => customer.Protect(PersonalField.Text, text), now),
            new WriteOptions { ReactingTo = context }, context.CancellationToken);
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
