using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BillingConsole.Db.Postgres;

public sealed class PostgresDatabaseProvider : IBillingDatabaseProvider
{
    public string Name => "Postgres";

    public ILedgerDialect Dialect { get; } = new PostgresLedgerDialect();

    public void Configure(DbContextOptionsBuilder<BillingDbContext> options, string connectionString) =>
        options.UseNpgsql(WithoutSessionReset(connectionString), o => o.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name))
            .UseBillingConventions();

    /// <summary>Every ledger write borrows a pooled connection for one batch. By default Npgsql resets the session
    /// (DISCARD ALL) on each borrow, an extra statement per write; the console sets no session state (no SET, temp
    /// tables or prepared statements of its own), so the reset only costs time. A connection string that says
    /// otherwise keeps its setting.</summary>
    public static string WithoutSessionReset(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
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
