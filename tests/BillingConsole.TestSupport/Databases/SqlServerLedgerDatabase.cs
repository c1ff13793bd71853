using BillingConsole.Accounting.Data;
using BillingConsole.Db.SqlServer;

namespace BillingConsole.TestSupport;

/// <summary>
/// A new database on the shared SQL Server 2022 container (<see cref="SqlServerTestServer"/>); skipped with its reason
/// where no Docker engine runs, failed instead when the run requires SQL Server.
/// </summary>
public class SqlServerLedgerDatabase : LedgerDatabase
{
    private readonly string _database = $"billing_test_{Guid.NewGuid():N}";
    private string? _connectionString;

    protected override IBillingDatabaseProvider Provider { get; } = new SqlServerDatabaseProvider();

    /// <summary>Whether a missing server fails the fixture rather than skipping its tests.</summary>
    protected virtual bool Required => SqlServerTestServer.Required;

    protected override async Task<string?> CreateDatabaseAsync()
    {
        SkipReason = SqlServerTestServer.UnavailableReason(Required);
        if (SkipReason is not null)
            return null;
        return _connectionString = await SqlServerTestServer.CreateDatabaseAsync(_database);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_connectionString is not null)
            await SqlServerTestServer.DropDatabaseAsync(_connectionString);
    }
}
