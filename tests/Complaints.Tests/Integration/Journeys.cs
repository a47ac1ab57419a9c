using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Tests.Infrastructure;

namespace Complaints.Tests.Integration;

/// <summary>Ways through a complaint's life that several tests start from.</summary>
internal static class Journeys
{
    /// <summary>Files a complaint and takes it to resolution, as an agent would.</summary>
    public static async Task<(string Id, string Agent)> ResolvedAsync(PlatformFixture platform, FileComplaintRequest request, TimeSpan? respondAfter = null, TimeSpan? resolveAfter = null,
        string channelClient = "channel-phone")
    {
        var filed = await platform.IntakeAs(channelClient).FileComplaintAsync(request);
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, TimeSpan.FromSeconds(60), channelClient);
        if (respondAfter is { } r) platform.Clock.Advance(r);
        await platform.ResolutionAs(assigned.AgentId).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = filed.ComplaintId, Channel = "phone",
            Message = "I am sorry about this. I will look into it and call you back within 2 hours.",
        });
        if (resolveAfter is { } h) platform.Clock.Advance(h);
        var remedy = await platform.ResolutionAs(assigned.AgentId).ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = filed.ComplaintId, Kind = RemedyKind.Refund, Amount = "30", Description = "Refund of the charge",
        });
        await platform.ResolutionAs(assigned.AgentId).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = filed.ComplaintId, RemedyId = remedy.RemedyId, Accepted = true,
            Confirmation = "As agreed today, 30 CNY is refunded to your account within 3 working days.", ConfirmationChannel = "email",
        });
        return (filed.ComplaintId, assigned.AgentId);
    }
}
