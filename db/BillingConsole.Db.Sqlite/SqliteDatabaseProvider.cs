using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BillingConsole.Db.Sqlite;

public sealed class SqliteDatabaseProvider : IBillingDatabaseProvider
{
    public string Name => "Sqlite";

    public ILedgerDialect Dialect { get; } = new SqliteLedgerDialect();

    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name))
            .UseBillingConventions();

    /// <summary>WAL lets readers run beside the single writer; the setting is stored in the database file.
    /// synchronous stays at its default FULL: a committed credit survives a power cut.</summary>
    public async Task PrepareAsync(BillingDbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a live database.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<BillingDbContext>
{
    public BillingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new SqliteDatabaseProvider().Configure(options, "Data Source=design-time.db");
        return new BillingDbContext(options.Options);
    }
}
