using BillingConsole.Db.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>Every T-SQL text the application can send to SQL Server, each named after where it comes from.</summary>
public static class SqlServerProbes
{
    /// <summary>What <see cref="LedgerTraffic"/> recorded, one probe per distinct text: a dialect batch is named after
    /// its dialect member, any other command after the method that sent it.</summary>
    public static async Task<IReadOnlyList<SqlServerProbe>> FromLedgerAsync(SqlServerLedgerDialect dialect, CancellationToken ct)
    {
        var byText = LedgerTraffic.Members(dialect).ToDictionary(m => m.Value, m => m.Key);
        var recorded = await LedgerTraffic.RecordAsync(dialect, ct);
        var missing = byText.Where(t => recorded.All(c => c.Sql != t.Key)).Select(t => t.Value).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"LedgerTraffic never sent {string.Join(", ", missing)}: drive the path that uses it.");
        return recorded.GroupBy(c => c.Sql)
            .Select(g => g.First())
            .GroupBy(c => byText.GetValueOrDefault(c.Sql) ?? c.Caller)
            .SelectMany(g => g.Select((c, i) => new SqlServerProbe(g.Count() == 1 ? g.Key : $"{g.Key} #{i + 1}", c.Sql, c.Parameters)))
            .ToList();
    }

    /// <summary>The raw SQL of the SQL Server migrations (<c>migrationBuilder.Sql</c>: backfills), up and down. The
    /// idempotent script wraps each in EXEC(N'...'), so parsing the script does not check them: they are checked here.</summary>
    public static IReadOnlyList<SqlServerProbe> FromMigrations()
    {
        using var db = SqlServerContexts.Offline();
        var migrations = db.GetService<IMigrationsAssembly>();
        var provider = db.Database.ProviderName!;
        var probes = new List<SqlServerProbe>();
        foreach (var (id, type) in migrations.Migrations)
        {
            var migration = migrations.CreateMigration(type, provider);
            foreach (var (direction, operations) in new[] { ("Up", migration.UpOperations), ("Down", migration.DownOperations) })
                probes.AddRange(operations.OfType<SqlOperation>().Select((o, i) => new SqlServerProbe($"Migration {id} {direction} Sql #{i + 1}", o.Sql, [])));
        }
        return probes;
    }
}
