using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BillingConsole.Db.Postgres;

public sealed class PostgresDatabaseProvider : IBillingDatabaseProvider
{
    public string Name => "Postgres";

    public ILedgerDialect Dialect { get; } = new PostgresLedgerDialect();

    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(Tuned(connectionString), o => o.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name))
            .UseBillingConventions();

    /// <summary>Connection defaults for the ledger's workload; a connection string that sets one of them keeps its value.
    /// <list type="bullet">
    /// <item>Every ledger write borrows a pooled connection for one batch. By default Npgsql resets the session (DISCARD
    /// ALL) on each borrow, an extra statement per write; the console sets no session state of its own (no SET or temp
    /// tables), so the reset only costs time.</item>
    /// <item>The ledger runs the same few statements all day; planning a write's CTE cost about as much as running it.
    /// Npgsql prepares a statement once it has been used a few times on a connection (auto-prepare), and the prepared
    /// statement lives as long as the pooled connection.</item>
    /// </list></summary>
    public static string Tuned(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    private static bool Mentions(string connectionString, params string[] keys) =>
        keys.Any(key => connectionString.Contains(key, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a live database.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<BillingDbContext>
{
    public BillingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new PostgresDatabaseProvider().Configure(options, "Host=localhost;Database=design_time");
        return new BillingDbContext(options.Options);
    }
}
