using Complaints.ServiceDefaults;

namespace Complaints.Tests.Unit;

/// <summary>A sweep that meets another writer decides again on fresh data instead of skipping the case.</summary>
public sealed class ConcurrencyConflictsTests
{
    [Fact]
    public async Task A_conflict_is_tried_again_and_the_fresh_attempt_counts()
    {
        var attempts = 0;
        var result = await ConcurrencyConflicts.RetryAsync(() =>
        {
            attempts++;
            if (attempts < 3) throw new JasperFx.ConcurrencyException("stream changed", typeof(object), Guid.NewGuid());
            return Task.FromResult(true);
        });
        Assert.True(result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_conflict_on_every_attempt_propagates_after_the_last()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<JasperFx.ConcurrencyException>(() => ConcurrencyConflicts.RetryAsync<bool>(() =>
        {
            attempts++;
            throw new JasperFx.ConcurrencyException("stream changed", typeof(object), Guid.NewGuid());
        }, attempts: 4));
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task Other_failures_are_not_retried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => ConcurrencyConflicts.RetryAsync<bool>(() =>
        {
            attempts++;
            throw new InvalidOperationException("a broken case");
        }));
        Assert.Equal(1, attempts);
    }
}
