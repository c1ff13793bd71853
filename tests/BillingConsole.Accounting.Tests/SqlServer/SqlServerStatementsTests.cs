using BillingConsole.Db.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>
/// SQL Server is the production database, and no SQL Server engine runs here: every statement the application can send
/// to it is compiled against a DacFx model of the schema EF creates (and the committed migration script reproduces,
/// see MigrationsTests), so a wrong column, table, variable or syntax fails this run instead of production.
/// </summary>
public sealed class SqlServerStatementsTests
{
    [Fact]
    public async Task Verify_EveryStatementSentToSqlServer_CompilesAgainstTheSchema()
    {
        using var db = SqlServerContexts.Offline();
        using var model = new SqlServerSchemaModel(db.Database.GenerateCreateScript());
        var probes = (await SqlServerProbes.FromLedgerAsync(new SqlServerLedgerDialect(), TestContext.Current.CancellationToken))
            .Concat(SqlServerProbes.FromMigrations()).ToList();

        var problems = model.Verify(probes);

        TestContext.Current.TestOutputHelper?.WriteLine($"Verified {probes.Count} statements: {string.Join(", ", probes.Select(p => p.Name))}");

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the T-SQL sent to SQL Server:\n{string.Join("\n", problems)}");
        Assert.Contains(probes, p => p.Name == "SqlServerLedgerDialect.ReserveSql");
        Assert.Contains(probes, p => p.Name.StartsWith("LedgerWriter.ExplainRefusalAsync", StringComparison.Ordinal));
        Assert.Contains(probes, p => p.Name.StartsWith("Migration ", StringComparison.Ordinal));
    }
}
