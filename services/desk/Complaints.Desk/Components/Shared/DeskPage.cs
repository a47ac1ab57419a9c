using Complaints.Desk.Access;
using Complaints.Desk.Calls;
using Complaints.Desk.Live;
using Grpc.Core;
using Microsoft.AspNetCore.Components;

namespace Complaints.Desk.Components.Shared;

/// <summary>
/// A desk screen: calls the services as the signed-in person, turns their refusals into words the
/// person understands (never a stack trace), and reloads when a complaint it shows changes elsewhere.
/// </summary>
public abstract class DeskPage : ComponentBase, IDisposable
{
    [Inject] protected DeskCalls Calls { get; set; } = null!;
    [Inject] protected DeskSession Session { get; set; } = null!;
    [Inject] protected Words.Words Words { get; set; } = null!;
    [Inject] protected TimeProvider Clock { get; set; } = null!;
    [Inject] private LiveChanges Live { get; set; } = null!;

    protected Problems.Problem? Problem { get; set; }
    private bool listening;
    private int reloadPending;
    private ITimer? ticker;
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(30);
    /// <summary>Events of one action arrive together (assigned, its due date, the notice): one reload covers them.</summary>
    private static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(300);

    protected DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Loads what the screen shows; called first, then again on each relevant change.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Whether a change to this complaint concerns the screen (default: none).</summary>
    protected virtual bool Concerns(ComplaintChanged change) => false;

    protected override async Task OnParametersSetAsync()
    {
        if (!listening)
        {
            Live.Changed += OnChanged;
            listening = true;
            // Time left on every clock counts down on screen, without calling anything.
            ticker = Clock.CreateTimer(_ => InvokeAsync(StateHasChanged), null, TickInterval, TickInterval);
        }
        await Run(LoadAsync);
    }

    /// <summary>Runs a call; a refusal or outage becomes <see cref="Problem"/>. Returns whether it succeeded.</summary>
    protected async Task<bool> Run(Func<Task> call)
    {
        try
        {
            await Calls.ReadyAsync();
            await call();
            Problem = null;
            return true;
        }
        catch (RpcException ex)
        {
            Problem = Problems.Describe(ex, Words);
            return false;
        }
    }

    private void OnChanged(ComplaintChanged change)
    {
        if (!Concerns(change)) return;
        // One reload at a time: a burst of events (assigned, then its due date) reloads once more at most.
        if (Interlocked.Exchange(ref reloadPending, 1) == 1) return;
        _ = InvokeAsync(async () =>
        {
            await Task.Delay(CoalesceWindow);
            Interlocked.Exchange(ref reloadPending, 0);
            await Run(LoadAsync);
            StateHasChanged();
        });
    }

    public void Dispose()
    {
        if (listening) Live.Changed -= OnChanged;
        ticker?.Dispose();
        GC.SuppressFinalize(this);
    }
}
