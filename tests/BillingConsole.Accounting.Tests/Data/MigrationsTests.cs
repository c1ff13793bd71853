using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Tests.SqlServer;
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

    /// <summary>The committed script is what a DBA reviews and applies: it must be exactly what the migrations generate
    /// (the same call as <c>dotnet ef migrations script --idempotent</c>), so a migration added or changed without
    /// regenerating it fails here.</summary>
    [Fact]
    public void SqlServerScript_CheckedIn_MatchesTheMigrations()
    {
        var committed = MigrationScript.ReadCommitted();

        var generated = MigrationScript.Generate();

        Assert.True(Normalized(generated) == Normalized(committed),
            $"db/sqlserver-migrations.sql differs from what the SQL Server migrations generate ({FirstDifference(committed, generated)}). " +
            "Regenerate it with: " + MigrationScript.RegenerateCommand);
        using var db = SqlServerContexts.Offline();
        Assert.Contains(db.Database.GetMigrations().Last(), committed);
    }

    private static string FirstDifference(string committed, string generated)
    {
        var (a, b) = (Normalized(committed).Split('\n'), Normalized(generated).Split('\n'));
        var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        return $"first at line {line + 1}: committed \"{a.ElementAtOrDefault(line)}\", generated \"{b.ElementAtOrDefault(line)}\"";
    }

    // Only what editors and platforms change: a byte-order mark, line endings, trailing whitespace.
    private static string Normalized(string script) =>
        string.Join("\n", script.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).Trim();
}
