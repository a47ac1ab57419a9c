using Complaints.ServiceDefaults;

namespace Complaints.Tests.Unit;

/// <summary>A service's readers of the relay's notices share one queue: one failing must not keep the others from their work.</summary>
public sealed class ComplaintNoticesTests
{
    [Fact]
    public async Task A_reader_that_fails_does_not_stop_the_next_and_its_failure_fails_the_batch()
    {
        var ran = new List<string>();
        Func<string, CancellationToken, Task>[] readers =
        [
            (_, _) => { ran.Add("case files"); throw new InvalidOperationException("case files failed"); },
            (_, _) => { ran.Add("dates"); return Task.CompletedTask; },
        ];

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ComplaintNotices.EachAsync("notices", readers, CancellationToken.None));

        Assert.Equal("case files failed", failure.Message);
        Assert.Equal(["case files", "dates"], ran);
    }

    [Fact]
    public async Task Every_failure_is_reported_when_more_than_one_reader_fails()
    {
        Func<string, CancellationToken, Task>[] readers =
        [
            (_, _) => throw new InvalidOperationException("facts failed"),
            (_, _) => throw new TimeoutException("links failed"),
        ];

        var failure = await Assert.ThrowsAsync<AggregateException>(() => ComplaintNotices.EachAsync("notices", readers, CancellationToken.None));

        Assert.Equal(["facts failed", "links failed"], failure.InnerExceptions.Select(e => e.Message));
    }

    [Fact]
    public async Task Readers_that_succeed_complete_the_batch()
    {
        var ran = 0;
        Func<string, CancellationToken, Task>[] readers = [(_, _) => { ran++; return Task.CompletedTask; }, (_, _) => { ran++; return Task.CompletedTask; }];

        await ComplaintNotices.EachAsync("notices", readers, CancellationToken.None);

        Assert.Equal(2, ran);
    }
}
