using Google.Protobuf.Reflection;

namespace Complaints.ServiceDefaults.HttpApi;

/// <summary>
/// The protos' leading comments by element full name (<c>complaints.intake.v1.Intake.FileComplaint</c>,
/// <c>complaints.intake.v1.Customer.customer_id</c>...), read from the descriptor set the contracts
/// project embeds with source info.
/// </summary>
internal sealed class ProtoComments
{
    private const string Resource = "complaints.protoset";

    // Field numbers of descriptor.proto used in SourceCodeInfo paths.
    private const int FileMessages = 4, FileEnums = 5, FileServices = 6;
    private const int MessageFields = 2, MessageNested = 3, MessageEnums = 4;
    private const int EnumValues = 2, ServiceMethods = 2;

    public static readonly ProtoComments Instance = Load();

    private readonly Dictionary<string, string> byName = new(StringComparer.Ordinal);

    public string? Of(string fullName) => byName.GetValueOrDefault(fullName);

    private static ProtoComments Load()
    {
        var assembly = typeof(Complaints.Contracts.Intake.V1.Intake).Assembly;
        using var stream = assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidOperationException($"{assembly.GetName().Name} does not embed {Resource}");
        var set = FileDescriptorSet.Parser.ParseFrom(stream);
        var comments = new ProtoComments();
        foreach (var file in set.File.Where(f => f.Package.StartsWith("complaints.", StringComparison.Ordinal)))
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var prefix = file.Package;
            for (var i = 0; i < file.MessageType.Count; i++) NameMessage(names, [FileMessages, i], prefix, file.MessageType[i]);
            for (var i = 0; i < file.EnumType.Count; i++) NameEnum(names, [FileEnums, i], prefix, file.EnumType[i]);
            for (var i = 0; i < file.Service.Count; i++)
            {
                var service = file.Service[i];
                var serviceName = $"{prefix}.{service.Name}";
                names[Key([FileServices, i])] = serviceName;
                for (var m = 0; m < service.Method.Count; m++)
                    names[Key([FileServices, i, ServiceMethods, m])] = $"{serviceName}.{service.Method[m].Name}";
            }
            foreach (var location in file.SourceCodeInfo?.Location ?? [])
            {
                if (!names.TryGetValue(Key(location.Path), out var name)) continue;
                var text = string.Join("\n", location.LeadingComments.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
                if (text.Length > 0) comments.byName[name] = text;
            }
        }
        return comments;
    }

    private static void NameMessage(Dictionary<string, string> names, List<int> path, string prefix, DescriptorProto message)
    {
        var name = $"{prefix}.{message.Name}";
        names[Key(path)] = name;
        for (var f = 0; f < message.Field.Count; f++) names[Key([.. path, MessageFields, f])] = $"{name}.{message.Field[f].Name}";
        for (var n = 0; n < message.NestedType.Count; n++) NameMessage(names, [.. path, MessageNested, n], name, message.NestedType[n]);
        for (var e = 0; e < message.EnumType.Count; e++) NameEnum(names, [.. path, MessageEnums, e], name, message.EnumType[e]);
    }

    private static void NameEnum(Dictionary<string, string> names, List<int> path, string prefix, EnumDescriptorProto enumeration)
    {
        var name = $"{prefix}.{enumeration.Name}";
        names[Key(path)] = name;
        // Enum values are scoped by their enum's parent in protobuf, but named here under the enum, as FullName does not.
        for (var v = 0; v < enumeration.Value.Count; v++) names[Key([.. path, EnumValues, v])] = $"{name}.{enumeration.Value[v].Name}";
    }

    private static string Key(IEnumerable<int> path) => string.Join('.', path);
}
