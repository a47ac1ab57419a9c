using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Client;

/// <summary>
/// Corrected triages as lines of the labelled corpus (data/triage-corpus.jsonl): the customer's words
/// with the labels people settled on (triage as decided, then every TriageCorrected applied in order).
/// It reads through the audit API, so it needs an auditor's token and every complaint it reads in
/// clear is in the personal-data access log. Obvious identifiers (e-mail addresses, long digit runs:
/// phone, card and account numbers) are replaced; names are not, so the file stays personal data
/// until a person has reviewed it and the lines join the corpus's training part.
/// </summary>
public sealed partial class TriageCorrectionsExport(Audit.AuditClient audit)
{
    private static readonly JsonSerializerOptions Line = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One corpus line per complaint filed in the period whose triage someone corrected.</summary>
    public async Task<IReadOnlyList<string>> LinesAsync(DateTimeOffset filedFrom, DateTimeOffset filedTo, CancellationToken cancellationToken)
    {
        // Which complaints were corrected: the export holds every event of the period's complaints, personal data still sealed.
        var exported = new List<string>();
        using (var call = audit.ExportComplaints(new ExportComplaintsRequest
               {
                   Scope = new ComplaintScope { Filed = new Period { From = Timestamp.FromDateTimeOffset(filedFrom), To = Timestamp.FromDateTimeOffset(filedTo) } },
               }, cancellationToken: cancellationToken))
        {
            while (await call.ResponseStream.MoveNext(cancellationToken)) exported.AddRange(call.ResponseStream.Current.Lines);
        }
        var corrected = AuditExportFile.Read(exported).Events
            .Where(e => e.Event.Type == "triage_corrected")
            .Select(e => e.Event.StreamId)
            .Distinct()
            .ToList();

        var lines = new List<string>();
        foreach (var complaintId in corrected)
        {
            var history = await audit.GetComplaintHistoryAsync(new GetComplaintHistoryRequest { Complaint = complaintId.ToString() }, cancellationToken: cancellationToken);
            if (Labelled(history) is { } line) lines.Add(line.ToJsonString(Line));
        }
        return lines;
    }

    /// <summary>The corpus line for one complaint's history, or null when its personal data was erased or it was never triaged.</summary>
    public static JsonObject? Labelled(GetComplaintHistoryResponse history)
    {
        var state = history.State;
        if (state.PersonalDataErased || state.Description.Length == 0) return null;
        var triaged = history.History.LastOrDefault(e => e.EventType == "complaint_triaged");
        if (triaged is null) return null;
        var decided = JsonNode.Parse(triaged.DataJson)!.AsObject();
        var labels = new Dictionary<string, string>
        {
            ["category"] = Text(decided, "category"), ["kind"] = Text(decided, "kind"), ["style"] = Text(decided, "style"),
            ["emotion"] = Text(decided, "emotion"), ["motive"] = Text(decided, "motive"),
            ["nuisance"] = decided["nuisance"]?.GetValue<bool>() == true ? "suspected" : "none",
            ["emergency"] = string.Join(",", Strings(decided, "emergencyFlags")),
        };
        var reasons = new List<string>();
        var roles = new List<string>();
        foreach (var correction in history.History.Where(e => e.EventType == "triage_corrected" && e.Version > triaged.Version))
        {
            var data = JsonNode.Parse(correction.DataJson)!.AsObject();
            foreach (var change in data["changes"]?.AsArray() ?? [])
            {
                var aspect = change?["aspect"]?.GetValue<string>() ?? "";
                if (labels.ContainsKey(aspect)) labels[aspect] = change?["to"]?.GetValue<string>() ?? "";
            }
            reasons.Add(Text(data, "reason"));
            roles.Add(Text(data, "role"));
        }
        var text = Redact(state.Description);
        return new JsonObject
        {
            ["id"] = "corr-" + state.ComplaintNumber,
            ["lang"] = Language(text),
            ["channel"] = state.Channel,
            ["text"] = text,
            ["category"] = labels["category"],
            ["kind"] = labels["kind"],
            ["style"] = labels["style"],
            ["emotion"] = labels["emotion"],
            ["expectations"] = new JsonArray(Strings(decided, "expectations").Select(x => (JsonNode)x).ToArray()),
            ["emergency"] = new JsonArray(labels["emergency"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => (JsonNode)x).ToArray()),
            ["motive"] = labels["motive"],
            ["nuisance"] = labels["nuisance"] != "none",
            ["trap"] = false,
            ["source"] = "correction by " + string.Join(", ", roles.Distinct()),
            ["split"] = "train",
            // For the reviewer: why people changed what triage decided.
            ["correctionReasons"] = new JsonArray(reasons.Select(r => (JsonNode)Redact(r)).ToArray()),
        };
    }

    /// <summary>E-mail addresses and runs of seven or more digits (phone, card, account, ID numbers) replaced.</summary>
    public static string Redact(string text) =>
        LongNumber().Replace(Email().Replace(text, "[email]"), "[number]");

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\+?\d(?:[\s-]?\d){6,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumber();

    /// <summary>English, Simplified or Traditional Chinese, by the script of the text; the reviewer confirms it.</summary>
    private static string Language(string text)
    {
        if (!text.Any(c => c is >= '\u4e00' and <= '\u9fff')) return "en";
        return text.Any(TraditionalOnly.Contains) ? "zh-Hant" : "zh-Hans";
    }

    // Common characters written only in Traditional script (their Simplified forms differ).
    private const string TraditionalOnly = "們這個說對會時為來還體麼與從後裡過問題錢電話號帳單費貨運務員態氣點開關見長門讓請謝買賣換壞質際現發機業實應該給經總邊變種聯絡護險醫療藥燒觸漏損賠償補遞維議準確證櫃隊續煩憤慘額熱協調罰災燙線歷舊鐘錶鬧須禮專負進備註週約閱標識構屬緊順遲訂購價幣圓領營職稱節紀錄驗權齊閉啟動勢戲樂愛燈飯館鎖鑰廳樓層";

    private static string Text(JsonObject data, string name) => data[name]?.GetValue<string>() ?? "";

    private static IEnumerable<string> Strings(JsonObject data, string name) =>
        data[name]?.AsArray().Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0) ?? [];
}
