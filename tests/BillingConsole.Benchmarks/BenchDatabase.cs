using BillingConsole.TestSupport;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Db.Postgres;
using BillingConsole.Db.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace BillingConsole.Benchmarks;

/// <summary>A fresh, migrated database for one run: a SQLite file (WAL, synchronous=FULL, the app's defaults) or a new
/// PostgreSQL database on the server named by BILLING_BENCH_POSTGRES (use a cluster with default durability).</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly string? _postgresAdmin;
    private readonly string? _database;

    public required IBillingDatabaseProvider Provider { get; init; }
    public required string ConnectionString { get; init; }
    public IDbContextFactory<BillingDbContext> Factory { get; private set; } = null!;
    public ILedgerDialect Dialect => Provider.Dialect;

    private BenchDatabase(string? sqlitePath, string? postgresAdmin, string? database)
    {
        _sqlitePath = sqlitePath;
        _postgresAdmin = postgresAdmin;
        _database = database;
    }

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options)
    {
        BenchDatabase db;
        if (options.Provider == "postgres")
        {
            var admin = options.Postgres ?? throw new InvalidOperationException("Set BILLING_BENCH_POSTGRES to an admin connection string.");
            var name = $"billing_bench_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
            }
            db = new BenchDatabase(null, admin, name)
            {
                Provider = new PostgresDatabaseProvider(),
                ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 200 }.ToString(),
            };
        }
        else
        {
            var path = Path.Combine(Path.GetTempPath(), $"billing-bench-{Guid.NewGuid():N}.db");
            db = new BenchDatabase(path, null, null)
            {
                Provider = new SqliteDatabaseProvider(),
                ConnectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ToString(),
            };
        }
        var builder = new DbContextOptionsBuilder<BillingDbContext>();
        db.Provider.Configure(builder, db.ConnectionString);
        db.Factory = new PooledDbContextFactory<BillingDbContext>(builder.Options);
        await using (var context = await db.Factory.CreateDbContextAsync())
        {
            await db.Provider.PrepareAsync(context, CancellationToken.None);
            await context.Database.MigrateAsync();
        }
        await CatalogFile.SyncAsync(db.Factory);
        return db;
    }

    public async Task<long> CreateAccountAsync(string name, Money balance)
    {
        await using var db = await Factory.CreateDbContextAsync();
        var account = new Account { Name = name, CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        if (balance.Units > 0)
        {
            var writer = new LedgerWriter(Factory, Dialect, TimeProvider.System);
            var result = await writer.PostAsync(new PostRequest(account.Id, EntryTypes.Topup, balance, "Benchmark funds", new Origin(EntrySources.System, "bench")));
            if (!result.Succeeded)
                throw new InvalidOperationException(result.Failure!.Message);
        }
        return account.Id;
    }

    /// <summary>The durability settings as the database reports them on a connection of this run (not as assumed).</summary>
    public async Task<string> DurabilityAsync()
    {
        await using var context = await Factory.CreateDbContextAsync();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        async Task<string> Read(string sql)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "?";
        }
        if (_sqlitePath is not null)
        {
            var synchronous = await Read("PRAGMA synchronous") switch { "0" => "OFF", "1" => "NORMAL", "2" => "FULL", "3" => "EXTRA", var v => v };
            return $"SQLite journal_mode={await Read("PRAGMA journal_mode")}, synchronous={synchronous}";
        }
        return $"PostgreSQL fsync={await Read("SHOW fsync")}, synchronous_commit={await Read("SHOW synchronous_commit")}, " +
               $"full_page_writes={await Read("SHOW full_page_writes")}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
                File.Delete(file);
        }
        if (_postgresAdmin is not null)
            await PostgresScratchDatabase.DropAsync(_postgresAdmin, _database!);
    }
}
