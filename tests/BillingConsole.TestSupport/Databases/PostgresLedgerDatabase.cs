using BillingConsole.Accounting.Data;
using BillingConsole.Db.Postgres;
using Npgsql;

namespace BillingConsole.TestSupport;

/// <summary>
/// A new database on the PostgreSQL server named by <c>BILLING_TEST_POSTGRES</c> (an admin connection string; ./test.sh
/// starts a throwaway cluster and sets it). Without it the tests skip with that reason, except in CI where they fail.
/// </summary>
public class PostgresLedgerDatabase : LedgerDatabase
{
    public const string Variable = "BILLING_TEST_POSTGRES";
    private string? _adminConnection;
    private readonly string _database = $"billing_test_{Guid.NewGuid():N}";

    protected override IBillingDatabaseProvider Provider { get; } = new PostgresDatabaseProvider();

    protected override async Task<string?> CreateDatabaseAsync()
    {
        _adminConnection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_adminConnection))
        {
            var reason = $"PostgreSQL tests need {Variable} (run ./test.sh, which starts a local cluster).";
            if (TestEnvironment.IsCi)
                throw new InvalidOperationException("CI must run the PostgreSQL tests: " + reason);
            SkipReason = reason;
            return null;
        }
        await using (var connection = new NpgsqlConnection(_adminConnection))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _database, MaxPoolSize = 150 }.ToString();
    }

    // Called only for a database that was created, so the admin connection is there. The cluster is thrown away after
    // the run, so a drop that fails (a connection timeout on a loaded machine) is retried once and then reported, never
    // allowed to fail the tests that already passed.
    protected override Task DropDatabaseAsync() => PostgresScratchDatabase.DropAsync(_adminConnection!, _database, "test");
}
