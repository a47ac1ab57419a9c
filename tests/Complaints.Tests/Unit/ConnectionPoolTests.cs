using Complaints.ServiceDefaults;

namespace Complaints.Tests.Unit;

/// <summary>The services' connection pool: no reset round trip and prepared statements, unless the operator's connection string says otherwise.</summary>
public sealed class ConnectionPoolTests
{
    [Fact]
    public void A_plain_connection_string_skips_the_reset_and_prepares_repeated_statements()
    {
        var pool = MartenDefaults.ConnectionPool("Host=db;Database=complaints;Username=app").ConnectionStringBuilder;

        Assert.True(pool.NoResetOnClose);
        Assert.Equal(100, pool.MaxAutoPrepare);
        Assert.Equal(2, pool.AutoPrepareMinUsages);
    }

    [Fact]
    public void What_the_connection_string_names_is_kept_behind_a_pooler_that_cannot_prepare()
    {
        var pool = MartenDefaults.ConnectionPool("Host=pgbouncer;Database=complaints;Max Auto Prepare=0;No Reset On Close=false;AutoPrepareMinUsages=7")
            .ConnectionStringBuilder;

        Assert.False(pool.NoResetOnClose);
        Assert.Equal(0, pool.MaxAutoPrepare);
        Assert.Equal(7, pool.AutoPrepareMinUsages);
    }
}
