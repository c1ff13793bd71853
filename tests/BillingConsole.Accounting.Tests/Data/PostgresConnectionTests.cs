using BillingConsole.Db.Postgres;
using Npgsql;

namespace BillingConsole.Accounting.Tests.Data;

public sealed class PostgresConnectionTests
{
    [Fact]
    public void PooledConnections_SkipTheSessionReset_AndAutoPrepare_UnlessTheConnectionStringSaysOtherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.Tuned("Host=db;Database=billing;Password=p w;"));
        Assert.True(defaulted.NoResetOnClose);
        Assert.Equal(64, defaulted.MaxAutoPrepare);
        Assert.Equal(("db", "billing", "p w"), (defaulted.Host, defaulted.Database, defaulted.Password));

        var explicitReset = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.Tuned("Host=db;No Reset On Close=false;Max Auto Prepare=0"));
        Assert.False(explicitReset.NoResetOnClose);
        Assert.Equal(0, explicitReset.MaxAutoPrepare);
    }
}
