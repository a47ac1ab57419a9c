using Complaints.Desk.Access;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Complaints.Desk.Calls;

/// <summary>
/// The services' clients as the signed-in person: every call carries their access token and a
/// deadline. A screen calls <see cref="ReadyAsync"/> first (it refreshes the token when due).
/// </summary>
public sealed class DeskCalls
{
    private readonly DeskSession session;
    private readonly Bearer bearer;

    public DeskCalls(ServiceChannels channels, DeskSession session)
    {
        this.session = session;
        bearer = new Bearer(channels.CallTimeout);
        Intake = new Contracts.Intake.V1.Intake.IntakeClient(channels.Intake(bearer));
        Routing = new Contracts.Routing.V1.Routing.RoutingClient(channels.Routing(bearer));
        Resolution = new Contracts.Resolution.V1.Resolution.ResolutionClient(channels.Resolution(bearer));
        Followup = new Contracts.Followup.V1.Followup.FollowupClient(channels.Followup(bearer));
        Audit = new Contracts.Audit.V1.Audit.AuditClient(channels.Audit(bearer));
    }

    public Contracts.Intake.V1.Intake.IntakeClient Intake { get; }
    public Contracts.Routing.V1.Routing.RoutingClient Routing { get; }
    public Contracts.Resolution.V1.Resolution.ResolutionClient Resolution { get; }
    public Contracts.Followup.V1.Followup.FollowupClient Followup { get; }
    public Contracts.Audit.V1.Audit.AuditClient Audit { get; }

    /// <summary>Makes sure the next calls carry a fresh token; throws Unauthenticated when the session is over.</summary>
    public async Task ReadyAsync(CancellationToken cancellationToken = default)
    {
        bearer.Token = await session.AccessTokenAsync(cancellationToken)
                       ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The session is over"));
    }

    private sealed class Bearer(TimeSpan timeout) : Interceptor
    {
        public string? Token { get; set; }

        private ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class where TResponse : class
        {
            var headers = new Metadata();
            if (context.Options.Headers is { } existing) foreach (var entry in existing) headers.Add(entry);
            if (Token is not null) headers.Add("Authorization", "Bearer " + Token);
            var options = context.Options.WithHeaders(headers);
            if (options.Deadline is null) options = options.WithDeadline(DateTime.UtcNow + timeout);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithToken(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, WithToken(context));
    }
}
