using System.Diagnostics;
using BillingConsole.Accounting.Tests.Reliability.Simulation;

namespace BillingConsole.Accounting.Tests.Reliability;

/// <summary>
/// Seeded simulation (after TigerBeetle's): each seed plays a reproducible sequence of ledger commands with faults and a
/// fake clock against the real write path and an in-memory model, compared after every step. A failure names its seed.
/// Short mode: 100 seeds on SQLite, 10 on PostgreSQL and SQL Server. BILLING_SIM_SEEDS sets the count (every provider),
/// BILLING_SIM_FIRST the first seed, BILLING_SIM_SEED runs one seed (docs/reliability.md).
/// </summary>
public abstract class SimulationTests(LedgerDatabase database, int shortModeSeeds)
{
    private const int StepsPerSeed = 40;

    private static int? Variable(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : null;

    [Fact]
    public async Task EverySeed_MatchesTheModel_AfterEveryStep()
    {
        database.RequireAvailable();
        var ct = TestContext.Current.CancellationToken;
        var first = Variable("BILLING_SIM_SEED") ?? Variable("BILLING_SIM_FIRST") ?? 1;
        var count = Variable("BILLING_SIM_SEED") is null ? Variable("BILLING_SIM_SEEDS") ?? shortModeSeeds : 1;
        var watch = Stopwatch.StartNew();
        var operations = 0L;
        for (var seed = first; seed < first + count; seed++)
        {
            var run = new SimulationRun(database, seed, StepsPerSeed);
            await run.RunAsync(ct);
            operations += run.Operations;
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"simulation on {database.ProviderName}: seeds {first}..{first + count - 1}, {operations:N0} checked operations in {watch.Elapsed.TotalSeconds:N1} s, 0 violations");
    }
}

[Trait("Speed", "Slow")]
public sealed class SqliteSimulationTests(SqliteLedgerDatabase db) : SimulationTests(db, 100), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")]
public sealed class PostgresSimulationTests(PostgresLedgerDatabase db) : SimulationTests(db, 10), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerSimulationTests(SqlServerLedgerDatabase db) : SimulationTests(db, 10), IClassFixture<SqlServerLedgerDatabase>;
