using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Complaints.Desk.Calls;

/// <summary>One HTTP/2 channel per service, shared by every person's calls (each call carries its own token).</summary>
public sealed class ServiceChannels(IOptions<DeskOptions> options) : IDisposable
{
    private readonly GrpcChannel intake = GrpcChannel.ForAddress(options.Value.Intake);
    private readonly GrpcChannel routing = GrpcChannel.ForAddress(options.Value.Routing);
    private readonly GrpcChannel resolution = GrpcChannel.ForAddress(options.Value.Resolution);
    private readonly GrpcChannel followup = GrpcChannel.ForAddress(options.Value.Followup);
    private readonly GrpcChannel audit = GrpcChannel.ForAddress(options.Value.Audit);

    public TimeSpan CallTimeout => options.Value.CallTimeout;

    public CallInvoker Intake(Interceptor bearer) => intake.Intercept(bearer);
    public CallInvoker Routing(Interceptor bearer) => routing.Intercept(bearer);
    public CallInvoker Resolution(Interceptor bearer) => resolution.Intercept(bearer);
    public CallInvoker Followup(Interceptor bearer) => followup.Intercept(bearer);
    public CallInvoker Audit(Interceptor bearer) => audit.Intercept(bearer);

    public void Dispose()
    {
        foreach (var channel in new[] { intake, routing, resolution, followup, audit }) channel.Dispose();
    }
}
