using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults.HttpApi;

/// <summary>
/// The HTTP/JSON face of a service's gRPC API, for channel systems that cannot speak gRPC: gRPC
/// JSON transcoding of the <c>google.api.http</c> routes in the protos, on a port of its own that
/// speaks HTTP/1.1 (the gRPC port stays HTTP/2 only), with the same bearer tokens, role rules,
/// validation and interceptors as gRPC, because every call runs the same service method. The port
/// also serves the OpenAPI 3.1 document (<see cref="DocumentPath"/>) and Swagger UI
/// (<see cref="UiPath"/>). Off unless <see cref="PortKey"/> names a port the host listens on
/// (ASPNETCORE_HTTP_PORTS or --urls list it beside the gRPC port).
/// </summary>
public static class HttpApiDefaults
{
    public const string PortKey = "Complaints:HttpApi:Port";
    public const string DocumentPath = "/openapi/v1.json";
    public const string UiPath = "/docs";

    /// <summary>The HTTP API's port, or null when the service serves gRPC only.</summary>
    public static int? PortOf(IConfiguration configuration) =>
        configuration.GetValue<int?>(PortKey) is > 0 and var port ? port : null;

    internal static void AddHttpApi(this WebApplicationBuilder builder, IGrpcServerBuilder grpc, string serviceName)
    {
        if (PortOf(builder.Configuration) is null) return;
        // The error details statuses carry (google.rpc.BadRequest with the violated fields...), so
        // that a refusal's JSON body can name them.
        grpc.AddJsonTranscoding(options => options.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));
        builder.Services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, context, _) =>
            {
                ProtoOpenApi.Describe(document, serviceName, context.ApplicationServices);
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>
    /// Keeps each face on its port: transcoded routes answer only on the HTTP API port, and that
    /// port answers nothing but them, the document and its UI. Runs after
    /// routing and before authentication, so the document and its UI need no token.
    /// </summary>
    internal static void UseHttpApi(this WebApplication app)
    {
        if (PortOf(app.Configuration) is not { } port) return;
        app.Use((context, next) =>
        {
            var onApiPort = context.Connection.LocalPort == port;
            var endpoint = context.GetEndpoint();
            var transcoded = endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;
            var allowedOnApiPort = transcoded || endpoint?.Metadata.GetMetadata<HttpApiEndpoint>() is not null
                                   || context.Request.Path.StartsWithSegments(UiPath);
            if (onApiPort ? !allowedOnApiPort : transcoded)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.UseWhen(context => context.Connection.LocalPort == port, api => api.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = UiPath.TrimStart('/');
            ui.SwaggerEndpoint(DocumentPath, "v1");
            ui.DocumentTitle = "Complaints HTTP API";
        }));
    }

    internal static void MapHttpApi(this WebApplication app)
    {
        if (PortOf(app.Configuration) is null) return;
        app.MapOpenApi(DocumentPath).AllowAnonymous().WithMetadata(new HttpApiEndpoint());
    }

    /// <summary>Marks the endpoints the HTTP API port serves besides the transcoded routes.</summary>
    private sealed class HttpApiEndpoint;
}
