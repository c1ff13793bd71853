namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>The verification helper itself: it must fail on the mistakes it exists to catch.</summary>
public sealed class SqlServerSchemaModelTests
{
    private const string Schema = """
        CREATE TABLE [ledger_entries] ([id] bigint NOT NULL PRIMARY KEY, [amount] bigint NOT NULL, [balance_after] bigint NOT NULL);
        GO
        CREATE INDEX [ix_ledger_entries_amount] ON [ledger_entries] ([amount]);
        """;

    private static readonly (string, string)[] Parameters = [("id", "bigint")];

    [Fact]
    public void Verify_ValidBatch_ReportsNothing()
    {
        using var model = new SqlServerSchemaModel(Schema);

        var problems = model.Verify([new("Sample", "SELECT balance_after FROM ledger_entries WHERE id = @id;", Parameters)]);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Verify_MissingColumn_ReportsProbeAndColumn()
    {
        using var model = new SqlServerSchemaModel(Schema);

        var problems = model.Verify([new("Sample", "SELECT balance_aftr FROM ledger_entries WHERE id = @id;", Parameters)]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Sample: ", problem);
        Assert.Contains("SQL71501", problem);
        Assert.Contains("[balance_aftr]", problem);
    }

    [Fact]
    public void Verify_TableVariableMissingColumn_ReportsProbeAndColumn()
    {
        using var model = new SqlServerSchemaModel(Schema);
        const string Sql = """
            DECLARE @e TABLE (id bigint, balance_after bigint);
            UPDATE ledger_entries SET amount = amount + 1 OUTPUT inserted.id, inserted.balance_after INTO @e WHERE id = @id;
            SELECT e.id, e.balance_aftr FROM @e e;
            """;

        var problems = model.Verify([new("Sample", Sql, Parameters)]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Sample: ", problem);
        Assert.Contains("@e].[balance_aftr]", problem);
    }

    [Fact]
    public void Verify_SyntaxError_ReportsLineAndColumn()
    {
        using var model = new SqlServerSchemaModel(Schema);

        var problems = model.Verify([new("Broken", "SELECT amount\nFROM ledger_entries\nWHERE id = = @id;", Parameters)]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("Broken: syntax error at line 3, column 12: ", problem);
    }

    [Fact]
    public void Verify_UnboundVariable_ReportsIt()
    {
        using var model = new SqlServerSchemaModel(Schema);

        var problems = model.Verify([new("Unbound", "DECLARE @t TABLE (id bigint); INSERT INTO @t SELECT id FROM ledger_entries WHERE amount > @floor AND id = @id;", Parameters)]);

        Assert.Equal(["Unbound: uses @floor, which is neither declared in the batch nor bound as a parameter"], problems);
    }

    [Fact]
    public void Constructor_StatementThatIsNoSchemaObject_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new SqlServerSchemaModel("INSERT INTO [ledger_entries] VALUES (1, 1, 1);"));

        Assert.Contains("Not a schema object", e.Message);
    }
}
