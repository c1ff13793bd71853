using BillingConsole.Accounting.Data;
using BillingConsole.Db.Sqlite;
using Microsoft.Data.Sqlite;

namespace BillingConsole.TestSupport;

/// <summary>A SQLite file in WAL mode, as the app uses it (not an in-memory database: concurrency must be real).</summary>
public class SqliteLedgerDatabase : LedgerDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"billing-test-{Guid.NewGuid():N}.db");

    protected override IBillingDatabaseProvider Provider { get; } = new SqliteDatabaseProvider();

    protected override Task<string?> CreateDatabaseAsync() =>
        Task.FromResult<string?>(new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 60 }.ToString());

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
        return Task.CompletedTask;
    }
}
