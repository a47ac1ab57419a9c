using Complaints.Contracts.Intake.V1;
using Complaints.Desk.Calls;
using Grpc.Core;
using Microsoft.AspNetCore.Components;

namespace Complaints.Desk.Components.Complaint;

/// <summary>
/// One group of actions on the complaint page: calls as the signed-in person, shows its own refusal
/// beside its own form (the text typed stays), and tells the page to reload after a success.
/// </summary>
public abstract class ActionPanel : ComponentBase
{
    [Inject] protected DeskCalls Calls { get; set; } = null!;
    [Inject] protected Words.Words Words { get; set; } = null!;
    [Inject] protected TimeProvider Clock { get; set; } = null!;

    [Parameter, EditorRequired] public GetComplaintResponse Complaint { get; set; } = null!;
    [Parameter] public EventCallback Changed { get; set; }

    protected Problems.Problem? Problem { get; private set; }
    protected bool Busy { get; private set; }
    protected bool Done { get; private set; }

    protected long Version => Complaint.History.Count == 0 ? 0 : Complaint.History.Max(h => h.Version);

    /// <summary>Runs one action; on success clears <paramref name="reset"/>'s fields and reloads the page.</summary>
    protected async Task Act(Func<Task> call, Action? reset = null)
    {
        Busy = true; Done = false;
        try
        {
            await Calls.ReadyAsync();
            await call();
            Problem = null;
            Done = true;
            reset?.Invoke();
        }
        catch (RpcException ex)
        {
            Problem = Problems.Describe(ex, Words);
        }
        finally
        {
            Busy = false;
        }
        if (Done) await Changed.InvokeAsync();
    }
}
