using BillingConsole.Benchmarks;

namespace BillingConsole.Web.Tests.Benchmarks;

/// <summary>
/// Keeps the benchmark program (tests/BillingConsole.Benchmarks) from rotting: every scenario runs in-process at its
/// --smoke sizes and must finish with rows that measured something and no invariant violation. Figures are not asserted
/// (this machine is shared); docs/performance.md has them. PostgreSQL and Chromium follow the other tests: skipped
/// without them, required under CI=true.
/// </summary>
[Collection(BillingConsole.Web.Tests.Reliability.HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("seed")]
    [InlineData("reads")]
    [InlineData("checker")]
    [InlineData("paging")]
    [InlineData("ledger")]
    public async Task Scenario_OnSqlite_CompletesWithThroughputAndNoViolations(string scenario) =>
        await RunSmokeAsync(scenario, "sqlite");

    /// <summary>The gateway mix: every operation verified, reserved and settled (a refused call or a verify answer naming
    /// another key aborts the run), and keys:verify was timed each time. The 5 ms target is not asserted.</summary>
    [Fact]
    public async Task Metering_OnSqlite_VerifyMixTimesEveryVerifyAndEveryCallSucceeds()
    {
        var report = await RunSmokeAsync("metering", "sqlite");

        var mix = Assert.Single(report.Rows, r => r.Name.StartsWith("verify+reserve+settle", StringComparison.Ordinal));
        var verify = Assert.Single(report.Rows, r => r.Name.StartsWith(VerifyMix.VerifyRowPrefix, StringComparison.Ordinal));
        var reserve = Assert.Single(report.Rows, r => r.Name.StartsWith("reserve in the mix", StringComparison.Ordinal));
        var settle = Assert.Single(report.Rows, r => r.Name.StartsWith("settle in the mix", StringComparison.Ordinal));
        Assert.True(mix.Count > 0, "The mix ran no operation.");
        Assert.Equal(mix.Count, verify.Count);
        Assert.Equal(mix.Count, reserve.Count);
        Assert.Equal(mix.Count, settle.Count);
        Assert.True(verify.Percentile(50) > 0 && verify.Percentile(99) >= verify.Percentile(50), $"keys:verify timings are not latencies: {verify}");
    }

    [Fact]
    public async Task Ledger_OnPostgres_CompletesWithThroughputAndNoViolations()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresLedgerDatabase.Variable)))
        {
            var reason = $"The PostgreSQL benchmark smoke run needs {PostgresLedgerDatabase.Variable} (run ./test.sh, which starts a local cluster).";
            if (TestEnvironment.IsCi)
                throw new InvalidOperationException("CI must run the PostgreSQL tests: " + reason);
            Assert.Skip(reason);
        }
        await RunSmokeAsync("ledger", "postgres");
    }

    [Fact]
    public async Task Circuits_WithChromium_CompletesWithThroughput()
    {
        if (CircuitsScenario.ChromiumPath() is null)
        {
            var reason = $"The circuits smoke run needs Chromium at /usr/bin/chromium (or {CircuitsScenario.ChromiumVariable}).";
            if (TestEnvironment.IsCi)
                throw new InvalidOperationException("CI must run the browser tests: " + reason);
            Assert.Skip(reason);
        }
        await RunSmokeAsync("circuits", "sqlite");
    }

    private async Task<BenchReport> RunSmokeAsync(string scenario, string provider)
    {
        var text = new StringWriter();
        // The test cluster, never a benchmark cluster named by BILLING_BENCH_POSTGRES that may not be running.
        var options = BenchOptions.Parse([scenario, "--smoke", "--provider", provider])
            with { Out = text, Postgres = Environment.GetEnvironmentVariable(PostgresLedgerDatabase.Variable) };
        var report = await BenchProgram.RunAsync(options);
        output.WriteLine(text.ToString());

        Assert.NotNull(report);
        Assert.Null(report.Failure);
        Assert.Equal(0, report.Violations);
        Assert.NotEmpty(report.Rows);
        Assert.All(report.Rows, row => Assert.True(row.Count > 0 && row.PerSecond > 0 && !double.IsNaN(row.Percentile(99)),
            $"'{row.Name}' measured nothing: {row}"));
        Assert.Contains(report.Rows[0].Name, text.ToString());
        return report;
    }
}
