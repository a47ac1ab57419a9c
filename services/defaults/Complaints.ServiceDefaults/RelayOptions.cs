namespace Complaints.ServiceDefaults;

/// <summary>When the relay is declared stuck (configuration section <c>Complaints:Relay</c>).</summary>
public sealed class RelayOptions
{
    public const string Section = "Complaints:Relay";

    /// <summary>Events committed but not yet published beyond which the relay counts as lagging.</summary>
    public long LagAlert { get; set; } = 5_000;

    /// <summary>How long the relay may publish nothing while events wait before it counts as stuck.</summary>
    public TimeSpan StallAlert { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a standby relay replica tries the relay lock: the longest a takeover waits once the leader is gone.</summary>
    public TimeSpan StandbyPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the leader checks that the session holding its lock is alive.</summary>
    public TimeSpan LeaseCheck { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the relay looks for newly committed events while events keep coming (Marten's
    /// high-water polling; 250 ms by default). Each look is one cheap query; it is most of the time
    /// from a complaint filed to it being routed (docs/benchmark.md).
    /// </summary>
    public TimeSpan BusyPoll { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often the relay looks for new events when none came lately (Marten's default: 1 s); at a
    /// steady few dozen complaints a second it is also how often a page is announced. Each page costs
    /// every reader of the notices a delivery and a transaction, so a page every 500 ms rather than
    /// 250 ms is about a sixth less CPU per complaint at 30/s, for about 130 ms more from filing to
    /// assignment (docs/benchmark.md, seventh round).
    /// </summary>
    public TimeSpan QuietPoll { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the lag gauges (relay, sealing: events and seconds behind) are measured; zero turns them off.</summary>
    public TimeSpan LagSampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
