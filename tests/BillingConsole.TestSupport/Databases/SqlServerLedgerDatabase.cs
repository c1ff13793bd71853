using BillingConsole.Accounting.Data;
using BillingConsole.Db.SqlServer;
using DotNet.Testcontainers.Configurations;
using Testcontainers.MsSql;

namespace BillingConsole.TestSupport;

/// <summary>SQL Server in a Testcontainers container; skipped with its reason where no Docker engine runs.</summary>
public sealed class SqlServerLedgerDatabase : LedgerDatabase
{
    private MsSqlContainer? _container;

    protected override IBillingDatabaseProvider Provider { get; } = new SqlServerDatabaseProvider();

    protected override async Task<string?> CreateDatabaseAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            SkipReason = "SQL Server tests need a Docker engine for Testcontainers.MsSql, and none is running here.";
            return null;
        }
        _container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await _container.StartAsync();
        return _container.GetConnectionString();
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_container is not null)
            await _container.DisposeAsync();
    }
}
