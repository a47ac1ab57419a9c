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
    string Split,
    string? Writer = null)
{
    public bool IsHeldOut => Split == "test";
}

public static class TriageCorpus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<LabelledComplaint> Load(string path) =>
        Read(path, (row, where) => row.Split is "train" or "test"
            ? row
            : throw new InvalidDataException($"{where}: split must be train or test, not '{row.Split}'"));

    /// <summary>
    /// The writer-independent corpus (data/triage-writers.jsonl, data/writers/README.md): its
    /// held-out writers' complaints become the held-out part ("test"), the development writers'
    /// the training part; the channel a writer wrote for becomes the platform's channel name.
    /// </summary>
    public static IReadOnlyList<LabelledComplaint> LoadWriters(string path) =>
        Read(path, (row, where) =>
        {
            if (string.IsNullOrWhiteSpace(row.Writer)) throw new InvalidDataException($"{where}: a writer's complaint names its writer");
            var split = row.Split switch
            {
                "development" => "train",
                "held-out-writer" => "test",
                _ => throw new InvalidDataException($"{where}: split must be development or held-out-writer, not '{row.Split}'"),
            };
            return row with { Split = split, Channel = ChannelOf(row.Channel), Source = "writer" };
        });

    /// <summary>
    /// What routing's model learns from: the first corpus's training part and the development
    /// writers (the held-out parts never).
    /// </summary>
    public static IReadOnlyList<LabelledComplaint> TrainingExamples(string corpusFile, string? writersFile) =>
        [.. Load(corpusFile).Concat(writersFile is not null && File.Exists(writersFile) ? LoadWriters(writersFile) : []).Where(c => !c.IsHeldOut)];

    /// <summary>One labelled complaint per non-blank line, each with a text and a category, then checked or mapped by <paramref name="accept"/>.</summary>
    private static List<LabelledComplaint> Read(string path, Func<LabelledComplaint, string, LabelledComplaint> accept)
    {
        var rows = new List<LabelledComplaint>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var where = $"{path}:{number}";
            var row = JsonSerializer.Deserialize<LabelledComplaint>(line, Json)
                      ?? throw new InvalidDataException($"{where}: not a labelled complaint");
            if (string.IsNullOrWhiteSpace(row.Text) || string.IsNullOrWhiteSpace(row.Category))
                throw new InvalidDataException($"{where}: a labelled complaint needs a text and a category");
            rows.Add(accept(row, where));
        }
        return rows;
    }

    private static string ChannelOf(string medium) => medium switch
    {
        _ when medium.StartsWith("phone", StringComparison.Ordinal) => "phone",
        _ when medium.StartsWith("e-mail", StringComparison.Ordinal) || medium.StartsWith("letter", StringComparison.Ordinal) => "email",
        _ when medium.StartsWith("social", StringComparison.Ordinal) => "social_media",
        _ when medium.StartsWith("app", StringComparison.Ordinal) => "mobile_app",
        _ when medium.StartsWith("in-store", StringComparison.Ordinal) => "branch",
        _ => "web_chat",
    };
}
