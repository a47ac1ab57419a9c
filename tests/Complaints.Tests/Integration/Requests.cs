using Complaints.Contracts.Intake.V1;

namespace Complaints.Tests.Integration;

internal static class Requests
{
    public static FileComplaintRequest Valid(Channel channel = Channel.Phone, string? description = null) => new()
    {
        Channel = channel,
        Customer = new Customer { CustomerId = $"CUST-{Guid.NewGuid():N}"[..16], Name = "李女士", Phone = "+86 139 0000 0000", Email = "li@example.com" },
        Description = description ?? "The washing machine leaks water from the bottom; 洗衣机底部漏水。",
    };
}
