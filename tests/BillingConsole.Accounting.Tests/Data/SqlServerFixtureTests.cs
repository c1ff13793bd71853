using DotNet.Testcontainers.Configurations;

namespace BillingConsole.Accounting.Tests.Data;

/// <summary>
/// What the SQL Server fixture does where no Docker engine runs: its tests skip with the reason, unless the run asked
/// for SQL Server (./test.sh --sqlserver), where it fails so that the run cannot pass by skipping everything.
/// </summary>
public sealed class SqlServerFixtureTests
{
    private static void RequireNoEngine() =>
        Assert.SkipWhen(TestcontainersSettings.OS.DockerEndpointAuthConfig is not null,
            "A Docker engine runs here, so the SQL Server fixture starts a server instead of skipping or failing.");

    [Fact]
    public async Task InitializeAsync_NoDockerEngine_SkipsWithTheReason()
    {
        RequireNoEngine();
        await using var db = new OptionalDatabase();

        await db.InitializeAsync();

        Assert.Equal(SqlServerTestServer.MissingEngineReason, db.SkipReason); // what RequireAvailable skips with
    }

    [Fact]
    public async Task InitializeAsync_NoDockerEngineWhenRequired_FailsWithTheReason()
    {
        RequireNoEngine();
        await using var db = new RequiredDatabase();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => db.InitializeAsync().AsTask());

        Assert.Contains(SqlServerTestServer.MissingEngineReason, failure.Message);
        Assert.Contains("./test.sh --sqlserver", failure.Message);
    }

    private sealed class OptionalDatabase : SqlServerLedgerDatabase
    {
        protected override bool Required => false;
    }

    private sealed class RequiredDatabase : SqlServerLedgerDatabase
    {
        protected override bool Required => true;
    }
}
