using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BillingConsole.Db.SqlServer;

public sealed class SqlServerDatabaseProvider : IBillingDatabaseProvider
{
    public string Name => "SqlServer";

    public ILedgerDialect Dialect { get; } = new SqlServerLedgerDialect();

    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, o => o.MigrationsAssembly(typeof(SqlServerDatabaseProvider).Assembly.GetName().Name))
            .UseBillingConventions();
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a live database.</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<BillingDbContext>
{
    public BillingDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new SqlServerDatabaseProvider().Configure(options, "Server=localhost;Database=design_time;TrustServerCertificate=true");
        return new BillingDbContext(options.Options);
    }
}
