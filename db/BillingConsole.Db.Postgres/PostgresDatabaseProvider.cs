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
        options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresDatabaseProvider).Assembly.GetName().Name))
            .UseBillingConventions();
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
