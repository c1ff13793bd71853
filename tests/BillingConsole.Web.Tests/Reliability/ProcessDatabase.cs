using BillingConsole.Accounting.Data;
using BillingConsole.Db.Postgres;
using BillingConsole.Db.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// An empty database for a console started as a separate process (which migrates it at start), and a context factory
/// for the test to read it. PostgreSQL uses the server of <c>BILLING_TEST_POSTGRES</c> (./test.sh starts one); without
/// it the test skips with that reason, or fails under CI=true.
/// </summary>
public abstract class ProcessDatabase : IAsyncLifetime
{
    private PooledDbContextFactory<BillingDbContext>? _factory;

    public abstract string Provider { get; }
    public string ConnectionString { get; protected set; } = "";
    public string? SkipReason { get; protected set; }

    protected abstract IBillingDatabaseProvider EfProvider { get; }

    public IDbContextFactory<BillingDbContext> Factory
    {
        get
        {
            if (SkipReason is not null)
                Assert.Skip(SkipReason);
            if (_factory is null)
            {
                var options = new DbContextOptionsBuilder<BillingDbContext>();
                EfProvider.Configure(options, ConnectionString);
                _factory = new PooledDbContextFactory<BillingDbContext>(options.Options);
            }
            return _factory;
        }
    }

    public Accounting.Ledger.ILedgerDialect Dialect => EfProvider.Dialect;

    public abstract ValueTask InitializeAsync();

    public abstract ValueTask DisposeAsync();
}

public sealed class SqliteProcessDatabase : ProcessDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"billing-process-{Guid.NewGuid():N}.db");

    public override string Provider => "Sqlite";
    protected override IBillingDatabaseProvider EfProvider { get; } = new SqliteDatabaseProvider();

    public override ValueTask InitializeAsync()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 30 }.ToString();
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            File.Delete(file);
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresProcessDatabase : ProcessDatabase
{
    private const string Variable = "BILLING_TEST_POSTGRES";
    private readonly string _database = $"billing_process_{Guid.NewGuid():N}";
    private string? _admin;

    public override string Provider => "Postgres";
    protected override IBillingDatabaseProvider EfProvider { get; } = new PostgresDatabaseProvider();

    public override async ValueTask InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_admin))
        {
            var reason = $"PostgreSQL tests need {Variable} (run ./test.sh, which starts a local cluster).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("CI must run the PostgreSQL tests: " + reason);
            SkipReason = reason;
            return;
        }
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ToString();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_admin is null || SkipReason is not null)
            return;
        await PostgresScratchDatabase.DropAsync(_admin, _database);
    }
}
