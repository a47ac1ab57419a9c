using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>
/// Refuses a unary request whose text fields are not valid UTF-8 (a lone surrogate written in its
/// 3-byte form, stray bytes) with InvalidArgument naming the field. Protobuf's parser throws on
/// such text before any interceptor runs, which gRPC would answer with Unknown; so this middleware
/// walks the request's bytes with the method's message descriptor first.
/// </summary>
public sealed class Utf8RequestGuard(RequestDelegate next)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Dictionary<string, MessageDescriptor> RequestTypes = LoadRequestTypes();

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var method = endpoint?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        // A call to the HTTP API is JSON: its parser refuses bad text itself.
        if (endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Grpc.JsonTranscoding.GrpcJsonTranscodingMetadata>() is not null || method is null || method.Type != global::Grpc.Core.MethodType.Unary || !RequestTypes.TryGetValue(method.FullName, out var requestType))
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        context.Request.Body.Position = 0;
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);

        // One gRPC frame: compressed flag, 4-byte big-endian length, the message.
        if (body.Length >= 5 && body.Span[0] == 0)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body.Span[1..5]), (uint)(body.Length - 5));
            if (Problem(requestType, body.Slice(5, length).ToArray(), "", 0) is { } field)
            {
                GrpcRefusal.Write(context, global::Grpc.Core.StatusCode.InvalidArgument,
                    $"Invalid request: {field}: is not valid UTF-8 text (a lone surrogate or stray bytes); send valid Unicode text");
                return;
            }
        }
        await next(context);
    }

    /// <summary>The path of the first text field that is not valid UTF-8, or null.</summary>
    private static string? Problem(MessageDescriptor type, byte[] message, string prefix, int depth)
    {
        if (depth > 8) return null;
        try
        {
            var input = new CodedInputStream(message);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = type.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
                if (field is null || WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }
                var bytes = input.ReadBytes().ToByteArray();
                if (field.FieldType == FieldType.String)
                {
                    try { StrictUtf8.GetString(bytes); }
                    catch (DecoderFallbackException) { return prefix + field.Name; }
                }
                else if (field.FieldType == FieldType.Message && Problem(field.MessageType, bytes, prefix + field.Name + ".", depth + 1) is { } nested)
                {
                    return nested;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // Malformed in other ways: left to gRPC's own parser.
        }
        return null;
    }

    private static Dictionary<string, MessageDescriptor> LoadRequestTypes() =>
        typeof(Contracts.Events.IComplaintEvent).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .ToDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => m.InputType);
}
