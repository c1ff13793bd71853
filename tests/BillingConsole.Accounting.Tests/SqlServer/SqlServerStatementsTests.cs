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
        foreach (var warning in model.Warnings)
            TestContext.Current.TestOutputHelper?.WriteLine(warning);

        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) in the T-SQL sent to SQL Server:\n{string.Join("\n", problems)}");
        Assert.Contains(probes, p => p.Name == "SqlServerLedgerDialect.ReserveSql");
        Assert.Contains(probes, p => p.Name.StartsWith("LedgerWriter.ExplainRefusalAsync", StringComparison.Ordinal));
        Assert.Contains(probes, p => p.Name.StartsWith("Migration ", StringComparison.Ordinal));
    }

    /// <summary>The probes' parameters are the ones the writer binds, typed by the dialect's AddParameter mapping, so
    /// the model compiles each batch with the types SQL Server will see.</summary>
    [Fact]
    public async Task FromLedgerAsync_DialectBatches_DeclareParametersAsTheDialectBindsThem()
    {
        var probes = await SqlServerProbes.FromLedgerAsync(new SqlServerLedgerDialect(), TestContext.Current.CancellationToken);

        var reserve = probes.Single(p => p.Name == "SqlServerLedgerDialect.ReserveSql").Parameters;
        Assert.Contains(("amount", "bigint"), reserve);
        Assert.Contains(("created_at", "datetime2(7)"), reserve);
        Assert.Contains(("description", "nvarchar(1000)"), reserve);
        var resolve = probes.Single(p => p.Name == "SqlServerLedgerDialect.ResolveSql").Parameters;
        Assert.Contains(("streaming", "bit"), resolve);
        Assert.Contains(("latency_ms", "int"), resolve);
    }

    /// <summary>The script a DBA applies (kept equal to the migrations by MigrationsTests) is valid T-SQL, every batch.</summary>
    [Fact]
    public void Parse_CommittedMigrationScript_HasNoSyntaxError()
    {
        var (script, errors) = TSqlSyntax.Parse(MigrationScript.ReadCommitted());

        Assert.True(errors.Count == 0, "db/sqlserver-migrations.sql: " + string.Join("\n", errors));
        Assert.NotNull(script);
        Assert.Contains(script.Batches.SelectMany(b => b.Statements), s => s is Microsoft.SqlServer.TransactSql.ScriptDom.IfStatement);
    }
}
