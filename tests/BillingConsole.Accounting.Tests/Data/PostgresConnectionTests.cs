using BillingConsole.Db.Postgres;
using Npgsql;

namespace BillingConsole.Accounting.Tests.Data;

public sealed class PostgresConnectionTests
{
    [Fact]
    public void PooledConnections_SkipTheSessionReset_UnlessTheConnectionStringSaysOtherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithoutSessionReset("Host=db;Database=billing;Password=p w;"));
        Assert.True(defaulted.NoResetOnClose);
        Assert.Equal(("db", "billing", "p w"), (defaulted.Host, defaulted.Database, defaulted.Password));

        var explicitReset = new NpgsqlConnectionStringBuilder(PostgresDatabaseProvider.WithoutSessionReset("Host=db;No Reset On Close=false"));
        Assert.False(explicitReset.NoResetOnClose);
    }
}
