using Complaints.Contracts.Events;
using MassTransit;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Runs the consumers of one complaint's events one at a time within an instance. The relay
/// publishes a complaint's events together, and consumers that update the same documents would
/// otherwise race, fail on optimistic concurrency and retry; across instances that still happens,
/// rarely, and the retry resolves it.
/// </summary>
public sealed class SerializePerComplaint<T>(ComplaintLocks locks) : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (context.Message is not IComplaintEvent complaintEvent)
        {
            await next.Send(context);
            return;
        }
        var gate = locks.For(complaintEvent.ComplaintId);
        await gate.WaitAsync(context.CancellationToken);
        try
        {
            await next.Send(context);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("serializePerComplaint");
}

/// <summary>Striped locks: a complaint always maps to the same one; unrelated complaints rarely share one.</summary>
public sealed class ComplaintLocks
{
    private readonly SemaphoreSlim[] stripes = Enumerable.Range(0, 512).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public SemaphoreSlim For(Guid complaintId) => stripes[(complaintId.GetHashCode() & int.MaxValue) % stripes.Length];
}
