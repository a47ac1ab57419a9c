using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Complaints.ServiceDefaults.PersonalData;

namespace Complaints.Intake.Webhooks;

/// <summary>What a channel system hears about the complaints it filed: the moments a customer should hear about.</summary>
public enum NoticeKind
{
    Acknowledged,
    FirstResponse,
    ProgressUpdate,
    /// <summary>A notice the platform sent the customer (its purpose names it: new_resolution_date...).</summary>
    CustomerNotice,
    RemedyConfirmed,
    Resolved,
    Closed,
    Reopened,
}

/// <summary>The stream events that make notices, and the JSON body each becomes.</summary>
public static class NoticeKinds
{
    private static readonly Dictionary<string, NoticeKind> ByEventType = new(StringComparer.Ordinal)
    {
        ["complaint_filed"] = NoticeKind.Acknowledged,
        ["first_response_sent"] = NoticeKind.FirstResponse,
        ["progress_update_sent"] = NoticeKind.ProgressUpdate,
        ["customer_notified"] = NoticeKind.CustomerNotice,
        ["resolution_confirmed"] = NoticeKind.RemedyConfirmed,
        ["complaint_resolved"] = NoticeKind.Resolved,
        ["complaint_closed"] = NoticeKind.Closed,
        ["complaint_reopened"] = NoticeKind.Reopened,
    };

    public static readonly string[] EventTypes = [.. ByEventType.Keys];

    public static NoticeKind Of(string eventType) => ByEventType[eventType];

    /// <summary>
    /// The delivery's body: a stable id (the event's), the notice's type, the complaint's number and
    /// the channel's own references, the text for the customer (staff's messages as sent, after the
    /// wording check; the platform's own from <see cref="NoticeTexts"/>), and when it happened.
    /// </summary>
    public static async Task<(string Type, string Body)> BodyAsync(PendingNotice notice, string eventJson, DateTimeOffset at, string filedJson,
        NoticeTexts texts, TimeZoneInfo zone, PersonalDataProtector personalData, CancellationToken cancellationToken)
    {
        // Events are stored with their C# property names (Marten's default casing).
        var data = JsonNode.Parse(eventJson)!.AsObject();
        var filed = JsonNode.Parse(filedJson)!.AsObject();
        var number = filed["ComplaintNumber"]!.GetValue<string>();
        // Older filings may lack a date; a template that names one then says "-" rather than failing.
        string Local(string field) => filed[field]?.GetValue<DateTimeOffset?>() is { } due
            ? TimeZoneInfo.ConvertTime(due, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "-";
        string Fill(string template)
        {
            var text = template.Replace("{number}", number, StringComparison.Ordinal);
            if (text.Contains("{firstResponseDue}", StringComparison.Ordinal)) text = text.Replace("{firstResponseDue}", Local("FirstResponseDue"), StringComparison.Ordinal);
            if (text.Contains("{resolutionDue}", StringComparison.Ordinal)) text = text.Replace("{resolutionDue}", Local("ResolutionDue"), StringComparison.Ordinal);
            return text;
        }
        async Task<string?> Sealed(string field) =>
            data[field]?.GetValue<string>() is { } value && await personalData.RevealAsync(value, cancellationToken) is var plain && plain != PersonalDataProtector.Erased
                ? plain
                : null;

        var kind = Of(notice.EventType);
        var type = kind switch
        {
            NoticeKind.Acknowledged => "complaint.acknowledged",
            NoticeKind.FirstResponse => "complaint.first_response",
            NoticeKind.ProgressUpdate => "complaint.progress_update",
            NoticeKind.CustomerNotice => "complaint." + (data["Purpose"]?.GetValue<string>() ?? "notice"),
            NoticeKind.RemedyConfirmed => "complaint.remedy_confirmed",
            NoticeKind.Resolved => "complaint.resolved",
            NoticeKind.Closed => "complaint.closed",
            NoticeKind.Reopened => "complaint.reopened",
            _ => throw new ArgumentOutOfRangeException(nameof(notice), kind, null),
        };
        var message = kind switch
        {
            NoticeKind.Acknowledged => Fill(texts.Acknowledged),
            NoticeKind.FirstResponse or NoticeKind.ProgressUpdate or NoticeKind.CustomerNotice => await Sealed("Message"),
            NoticeKind.RemedyConfirmed => await Sealed("WhatWasAgreed"),
            NoticeKind.Resolved => Fill(texts.Resolved),
            NoticeKind.Closed => Fill(texts.Closed),
            NoticeKind.Reopened => Fill(texts.Reopened),
            _ => null,
        };
        var body = new JsonObject
        {
            ["id"] = notice.EventId.ToString(),
            ["type"] = type,
            ["complaintId"] = notice.ComplaintId.ToString(),
            ["complaintNumber"] = number,
            ["channelReference"] = filed["ChannelReference"]?.GetValue<string>() ?? "",
            ["customerId"] = filed["CustomerId"]?.GetValue<string>() ?? "",
            // The event's position in the complaint's history: notices of one complaint arrive in this order.
            ["sequence"] = notice.Version,
            ["occurredAt"] = at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            // Null only when the customer's data was erased before the notice went out.
            ["message"] = message,
        };
        if (data["Channel"]?.GetValue<string>() is { } channel) body["customerChannel"] = channel;
        if (kind == NoticeKind.Acknowledged)
        {
            foreach (var (field, name) in new[] { ("FirstResponseDue", "firstResponseDue"), ("ResolutionDue", "resolutionDue") })
                if (filed[field]?.GetValue<DateTimeOffset?>() is { } due) body[name] = due.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        return (type, body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
