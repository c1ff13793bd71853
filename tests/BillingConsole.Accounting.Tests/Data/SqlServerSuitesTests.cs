namespace BillingConsole.Accounting.Tests.Data;

public sealed class SqlServerSuitesTests
{
    [Fact]
    public void ProviderTrait_EverySqlServerSuite_IsMarked()
    {
        var assembly = typeof(SqlServerSuitesTests).Assembly;

        Assert.Empty(SqlServerSuites.WithoutTrait(assembly));
        Assert.True(SqlServerSuites.Count(assembly) >= 9, "the check found no SQL Server suites: it no longer recognises their fixtures");
    }
}
