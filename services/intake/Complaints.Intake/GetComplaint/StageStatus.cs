using Complaints.Domain.ComplaintStream;

namespace Complaints.Intake.GetComplaint;

/// <summary>
/// A complaint's stage as a proto status enum (intake's and the audit API's): the enums name their
/// values as the stages do, so a stage without a status fails loudly (a unit test covers every stage).
/// </summary>
public static class StageStatus
{
    public static TStatus As<TStatus>(ComplaintStage stage) where TStatus : struct, Enum =>
        Enum.TryParse<TStatus>(stage.ToString(), out var status) && !status.Equals(default(TStatus))
            ? status
            : throw new ArgumentOutOfRangeException(nameof(stage), stage, $"{typeof(TStatus).FullName} has no value for this stage");
}
