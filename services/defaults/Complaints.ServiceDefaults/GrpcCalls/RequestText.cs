using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>
/// Checks every text and repeated field of any request before a handler sees it: no NUL or other
/// control characters (tab and line breaks aside), no lone UTF-16 surrogates (PostgreSQL's jsonb
/// refuses both), no string longer than <see cref="MaxStringLength"/>, no list longer than
/// <see cref="MaxRepeated"/>. Each RPC's own validation sets tighter limits where it knows better.
/// </summary>
public static class RequestText
{
    public const int MaxStringLength = 16 * 1024;
    public const int MaxRepeated = 100;

    public static FieldViolations Check(IMessage message)
    {
        var violations = new FieldViolations();
        Check(message, "", violations, depth: 0);
        return violations;
    }

    private static void Check(IMessage message, string prefix, FieldViolations violations, int depth)
    {
        if (depth > 8) return;
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated && value is System.Collections.IList list)
            {
                if (list.Count > MaxRepeated) violations.Add(path, $"has {list.Count} entries; at most {MaxRepeated}");
                for (var i = 0; i < Math.Min(list.Count, MaxRepeated); i++) CheckValue(field, list[i], $"{path}[{i}]", violations, depth);
            }
            else if (!field.IsMap)
            {
                CheckValue(field, value, path, violations, depth);
            }
        }
    }

    private static void CheckValue(FieldDescriptor field, object? value, string path, FieldViolations violations, int depth)
    {
        switch (field.FieldType)
        {
            case FieldType.String when value is string text && Problem(text) is { } problem:
                violations.Add(path, problem);
                break;
            case FieldType.Message when value is IMessage nested:
                Check(nested, path + ".", violations, depth + 1);
                break;
        }
    }

    private static string? Problem(string text)
    {
        if (text.Length > MaxStringLength) return $"is {text.Length} characters long; the limit is {MaxStringLength}";
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return $"holds an unpaired UTF-16 surrogate at position {i}; send valid Unicode text";
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) return $"holds the control character U+{(int)c:X4} at position {i}";
        }
        return null;
    }
}
