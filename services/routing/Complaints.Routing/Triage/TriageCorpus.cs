using System.Text.Json;

namespace Complaints.Routing.Triage;

/// <summary>
/// One complaint of the labelled corpus (data/triage-corpus.jsonl) with what a trained supervisor
/// decided about it. <see cref="Split"/> is "train" (the model learns from it) or "test" (held out:
/// only the evaluation reads it).
/// </summary>
public sealed record LabelledComplaint(
    string Id,
    string Lang,
    string Channel,
    string Text,
    string Category,
    string Kind,
    string Style,
    string Emotion,
    IReadOnlyList<string> Expectations,
    IReadOnlyList<string> Emergency,
    string Motive,
    bool Nuisance,
    bool Trap,
    string Source,
    string Split)
{
    public bool IsHeldOut => Split == "test";
}

public static class TriageCorpus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<LabelledComplaint> Load(string path)
    {
        var rows = new List<LabelledComplaint>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var row = JsonSerializer.Deserialize<LabelledComplaint>(line, Json)
                      ?? throw new InvalidDataException($"{path}:{number}: not a labelled complaint");
            if (string.IsNullOrWhiteSpace(row.Text) || string.IsNullOrWhiteSpace(row.Category))
                throw new InvalidDataException($"{path}:{number}: a labelled complaint needs a text and a category");
            if (row.Split is not ("train" or "test"))
                throw new InvalidDataException($"{path}:{number}: split must be train or test, not '{row.Split}'");
            rows.Add(row);
        }
        return rows;
    }
}
