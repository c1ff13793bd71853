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

    protected override async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // The cluster is thrown away after the run, so a drop that fails (a connection timeout on a loaded machine) is
        // retried once and then reported, never allowed to fail the tests that already passed.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_adminConnection);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection) { CommandTimeout = 120 };
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                if (attempt == 2)
                {
                    Console.Error.WriteLine($"Could not drop the test database {_database}: {e.Message}");
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }
}
