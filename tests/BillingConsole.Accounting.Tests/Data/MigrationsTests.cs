using BillingConsole.Accounting.Data;
using BillingConsole.Db.Postgres;
using BillingConsole.Db.Sqlite;
using BillingConsole.Db.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Data;

public sealed class MigrationsTests
{
    public static TheoryData<string> Providers => ["Sqlite", "Postgres", "SqlServer"];

    private static IBillingDatabaseProvider Create(string name) => name switch
    {
        "Sqlite" => new SqliteDatabaseProvider(),
        "Postgres" => new PostgresDatabaseProvider(),
        _ => new SqlServerDatabaseProvider(),
    };

    /// <summary>The same check as <c>dotnet ef migrations has-pending-model-changes</c>, offline, for each provider.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public void Migrations_EachProvider_MatchTheModel(string provider)
    {
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        Create(provider).Configure(options, provider == "Sqlite" ? "Data Source=:memory:" : "Host=localhost;Server=localhost");
        using var db = new BillingDbContext(options.Options);

        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration.");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void SqlServerScript_CheckedIn_CoversTheLatestMigration()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "BillingConsole.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Repository root not found.");
        var script = File.ReadAllText(Path.Combine(root, "db", "sqlserver-migrations.sql"));
        var options = new DbContextOptionsBuilder<BillingDbContext>();
        new SqlServerDatabaseProvider().Configure(options, "Server=localhost");
        using var db = new BillingDbContext(options.Options);

        Assert.Contains(db.Database.GetMigrations().Last(), script);
    }
}
