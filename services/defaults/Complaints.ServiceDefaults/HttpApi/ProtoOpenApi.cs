using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Complaints.ServiceDefaults.HttpApi;

/// <summary>
/// Writes the OpenAPI 3.1 document of the transcoded routes a service actually serves, from the
/// protos: the routes and verbs of their <c>google.api.http</c> options, request and response
/// schemas in the proto3 JSON mapping (lowerCamelCase names, enums by name, 64-bit integers and
/// timestamps as strings), and the protos' own comments (kept in the embedded descriptor set,
/// <c>complaints.protoset</c>, because the generated code drops them). Errors are google.rpc.Status
/// bodies; every route takes a bearer token.
/// </summary>
internal static class ProtoOpenApi
{
    private const string StatusSchema = "google.rpc.Status";
    private const string BearerScheme = "bearer";

    // HTTP status of each refusal the services give, as JSON transcoding maps gRPC statuses.
    private static readonly (string Code, string Description)[] Errors =
    [
        ("400", "InvalidArgument (with the violated fields in details) or FailedPrecondition"),
        ("401", "Unauthenticated: no valid bearer token"),
        ("403", "PermissionDenied: the token's role or person may not do this"),
        ("404", "NotFound"),
        ("409", "AlreadyExists, or Aborted by a concurrent change (retry)"),
        ("429", "ResourceExhausted"),
        ("503", "Unavailable: a dependency is down; retry with backoff (safe for requests with an idempotency key)"),
    ];

    public static void Describe(OpenApiDocument document, string serviceName, IServiceProvider services)
    {
        var comments = ProtoComments.Instance;
        var methods = services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .Select(endpoint => endpoint.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>())
            .OfType<GrpcJsonTranscodingMetadata>()
            .DistinctBy(m => (m.MethodDescriptor.FullName, m.HttpRule.ToString()))
            .OrderBy(m => m.MethodDescriptor.Service.FullName, StringComparer.Ordinal)
            .ThenBy(m => m.MethodDescriptor.Name, StringComparer.Ordinal)
            .ToList();

        document.Info = new OpenApiInfo
        {
            Title = $"Complaints {serviceName} HTTP API",
            Version = "v1",
            Description = "HTTP/JSON routes of the gRPC API (gRPC JSON transcoding), generated from the protos in contracts/. " +
                          "Fields use the proto3 JSON mapping: lowerCamelCase names, enums by name, 64-bit integers and timestamps (RFC 3339) as strings. " +
                          "Errors are google.rpc.Status bodies; an InvalidArgument carries a google.rpc.BadRequest with each violated field. docs/http-api.md.",
        };
        // Relative: the same document serves every deployment (and the pinned copy in docs/api).
        document.Servers = [new OpenApiServer { Url = "/", Description = "The service's HTTP API port" }];
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from the platform's OpenID Connect issuer (client credentials for channel systems).",
            },
        };
        var schemas = new SchemaWriter(document, comments);
        document.Components.Schemas[StatusSchema] = StatusSchemaOf();
        document.Paths = new OpenApiPaths();
        document.Tags = new HashSet<OpenApiTag>();

        foreach (var metadata in methods)
        {
            var method = metadata.MethodDescriptor;
            var rule = metadata.HttpRule;
            var (verb, template) = RouteOf(rule);
            var service = method.Service;
            document.Tags.Add(new OpenApiTag { Name = service.Name, Description = comments.Of(service.FullName) });

            var pathFields = PathFields(template);
            var operation = new OpenApiOperation
            {
                OperationId = $"{service.Name}_{method.Name}",
                Summary = FirstSentence(comments.Of(method.FullName)) ?? method.Name,
                Description = comments.Of(method.FullName),
                Tags = new HashSet<OpenApiTagReference> { new(service.Name, document) },
                Parameters = [],
                Responses = new OpenApiResponses(),
                Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }],
            };
            foreach (var path in pathFields)
            {
                var field = FieldAt(method.InputType, path);
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = path,
                    In = ParameterLocation.Path,
                    Required = true,
                    Description = comments.Of(field.FullName),
                    Schema = schemas.FieldSchema(field),
                });
            }
            if (method.InputType.FindFieldByName("idempotency_key") is { } retryKey)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "Idempotency-Key",
                    In = ParameterLocation.Header,
                    Description = "Works like the body's idempotencyKey (send one, or the same in both): " + comments.Of(retryKey.FullName),
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
                });
            if (rule.Body == "*")
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = schemas.BodySchema(method.InputType, pathFields) },
                    },
                };
            }
            else if (rule.Body.Length > 0)
            {
                var field = FieldAt(method.InputType, rule.Body);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schemas.FieldSchema(field) } },
                };
            }
            else
            {
                foreach (var (name, field) in QueryFields(method.InputType, pathFields, ""))
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Description = comments.Of(field.FullName),
                        Schema = schemas.FieldSchema(field),
                    });
            }
            if (operation.Parameters.Count == 0) operation.Parameters = null;

            var ok = new OpenApiResponse
            {
                Description = method.IsServerStreaming
                    ? "A stream of messages: each one JSON object, written as it is produced."
                    : "OK",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schemas.Reference(method.OutputType) },
                },
            };
            operation.Responses["200"] = ok;
            foreach (var (code, description) in Errors)
                operation.Responses[code] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(StatusSchema, document) },
                    },
                };

            if (!document.Paths.TryGetValue(template, out var item))
                document.Paths[template] = item = new OpenApiPathItem();
            var pathItem = (OpenApiPathItem)item;
            pathItem.Operations ??= new Dictionary<HttpMethod, OpenApiOperation>();
            pathItem.Operations[verb] = operation;
        }
    }

    private static (HttpMethod Verb, string Template) RouteOf(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
        HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
        HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
        HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
        HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
        _ => throw new InvalidOperationException($"HTTP rule {rule} has no supported verb"),
    };

    /// <summary>The request fields a route template binds, e.g. <c>complaint_id</c> in <c>/v1/complaints/{complaint_id}</c>.</summary>
    private static List<string> PathFields(string template) =>
        System.Text.RegularExpressions.Regex.Matches(template, @"\{([a-z0-9_.]+)\}").Select(m => m.Groups[1].Value).ToList();

    private static FieldDescriptor FieldAt(MessageDescriptor message, string path)
    {
        var field = message.FindFieldByName(path)
                    ?? throw new InvalidOperationException($"{message.FullName} has no field {path} (named by its HTTP route)");
        return field;
    }

    /// <summary>
    /// A GET route's query parameters: every field not in the path, by its JSON name; the fields of a
    /// nested message (not a well-known type) as <c>parent.child</c>, as transcoding reads them.
    /// </summary>
    private static IEnumerable<(string Name, FieldDescriptor Field)> QueryFields(MessageDescriptor message, List<string> pathFields, string prefix)
    {
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (prefix.Length == 0 && pathFields.Contains(field.Name)) continue;
            if (field.FieldType == FieldType.Message && !field.IsRepeated && !SchemaWriter.IsWellKnown(field.MessageType))
            {
                foreach (var nested in QueryFields(field.MessageType, pathFields, prefix + field.JsonName + "."))
                    yield return nested;
                continue;
            }
            yield return (prefix + field.JsonName, field);
        }
    }

    private static string? FirstSentence(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment)) return null;
        var line = comment.Split('\n')[0].Trim();
        var stop = line.IndexOf(". ", StringComparison.Ordinal);
        return (stop > 0 ? line[..(stop + 1)] : line).TrimEnd(':');
    }

    private static OpenApiSchema StatusSchemaOf() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A refusal, as gRPC statuses are written in JSON (https://google.aip.dev/193).",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The gRPC status code (3 InvalidArgument, 5 NotFound, 7 PermissionDenied, 9 FailedPrecondition, 14 Unavailable, 16 Unauthenticated...)." },
            ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was wrong, for the developer." },
            ["details"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Typed details; for InvalidArgument a google.rpc.BadRequest with fieldViolations [{field, description}].",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema> { ["@type"] = new OpenApiSchema { Type = JsonSchemaType.String } },
                    AdditionalProperties = new OpenApiSchema(),
                },
            },
        },
    };

    /// <summary>Component schemas of proto messages and enums, written once each, by full name.</summary>
    private sealed class SchemaWriter(OpenApiDocument document, ProtoComments comments)
    {
        public static bool IsWellKnown(MessageDescriptor message) => message.File.Package == "google.protobuf";

        public IOpenApiSchema Reference(MessageDescriptor message)
        {
            if (IsWellKnown(message)) return WellKnown(message);
            if (!document.Components!.Schemas!.ContainsKey(message.FullName))
            {
                var schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = comments.Of(message.FullName),
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                };
                // Registered before its fields are written, so a message that contains itself ends.
                document.Components.Schemas[message.FullName] = schema;
                foreach (var field in message.Fields.InFieldNumberOrder())
                    schema.Properties[field.JsonName] = FieldSchema(field);
            }
            return new OpenApiSchemaReference(message.FullName, document);
        }

        /// <summary>A request body without the fields its route's path already carries.</summary>
        public IOpenApiSchema BodySchema(MessageDescriptor message, List<string> pathFields)
        {
            if (pathFields.Count == 0) return Reference(message);
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = comments.Of(message.FullName),
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
            };
            foreach (var field in message.Fields.InFieldNumberOrder().Where(f => !pathFields.Contains(f.Name)))
                schema.Properties[field.JsonName] = FieldSchema(field);
            return schema;
        }

        public IOpenApiSchema FieldSchema(FieldDescriptor field)
        {
            if (field.IsMap)
            {
                var value = field.MessageType.FindFieldByNumber(2);
                return Described(new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = Single(value) }, field);
            }
            if (field.IsRepeated)
                return Described(new OpenApiSchema { Type = JsonSchemaType.Array, Items = Single(field) }, field);
            var single = Single(field);
            return single is OpenApiSchema inline ? Described(inline, field) : single;
        }

        private OpenApiSchema Described(OpenApiSchema schema, FieldDescriptor field)
        {
            schema.Description ??= comments.Of(field.FullName);
            return schema;
        }

        private IOpenApiSchema Single(FieldDescriptor field) => field.FieldType switch
        {
            FieldType.String => new OpenApiSchema { Type = JsonSchemaType.String },
            FieldType.Bool => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            FieldType.Bytes => new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte" },
            FieldType.Double => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
            FieldType.Float => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "float" },
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            FieldType.UInt32 or FieldType.Fixed32 => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
            // proto3 JSON writes 64-bit integers as strings (JavaScript cannot hold them exactly).
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new OpenApiSchema { Type = JsonSchemaType.String, Format = "int64" },
            FieldType.UInt64 or FieldType.Fixed64 => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uint64" },
            FieldType.Enum => EnumReference(field.EnumType),
            FieldType.Message or FieldType.Group => Reference(field.MessageType),
            _ => throw new InvalidOperationException($"{field.FullName}: no JSON schema for {field.FieldType}"),
        };

        private IOpenApiSchema EnumReference(EnumDescriptor enumeration)
        {
            if (!document.Components!.Schemas!.ContainsKey(enumeration.FullName))
            {
                var values = enumeration.Values.Select(v => comments.Of($"{enumeration.FullName}.{v.Name}") is { } c ? $"- {v.Name}: {c}" : $"- {v.Name}");
                document.Components.Schemas[enumeration.FullName] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = string.Join("\n", new[] { comments.Of(enumeration.FullName) }.Concat(values).Where(s => s is not null)),
                    Enum = enumeration.Values.Select(v => (JsonNode)JsonValue.Create(v.Name)!).ToList(),
                };
            }
            return new OpenApiSchemaReference(enumeration.FullName, document);
        }

        private static OpenApiSchema WellKnown(MessageDescriptor message) => message.Name switch
        {
            "Timestamp" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            "Duration" => new OpenApiSchema { Type = JsonSchemaType.String, Description = "Seconds with an 's' suffix, e.g. \"3600s\"." },
            "Empty" => new OpenApiSchema { Type = JsonSchemaType.Object },
            "StringValue" => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            "BoolValue" => new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null },
            "Int32Value" => new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            "Int64Value" => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "int64" },
            "DoubleValue" => new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "double" },
            _ => new OpenApiSchema { Description = $"google.protobuf.{message.Name} in its JSON form." },
        };
    }
}
