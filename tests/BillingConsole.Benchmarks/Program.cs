namespace BillingConsole.Benchmarks;

/// <summary>
/// Each scenario seeds through the real write path (or the bulk loader that writes exactly its rows), runs for a fixed
/// time or count, and prints a table. See docs/performance.md for the commands, the figures and the targets.
/// Not top-level statements: the web app's <c>Program</c> must stay the one global <c>Program</c> for the in-process host.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        if (await RunAsync(options) is not { } report)
            return BenchOptions.Usage();
        if (report.Failure is not null)
            Console.Error.WriteLine("FAILED: " + report.Failure);
        return report.ExitCode;
    }

    /// <summary>Runs the named scenario; null for an unknown name.</summary>
    public static async Task<BenchReport?> RunAsync(BenchOptions options) => options.Scenario switch
    {
        "ledger" => await LedgerWritesScenario.RunAsync(options),
        "metering" => await MeteringScenario.RunAsync(options),
        "paging" => await PagingScenario.RunAsync(options),
        "reads" => await ReadsScenario.RunAsync(options),
        "checker" => await CheckerScenario.RunAsync(options),
        "circuits" => await CircuitsScenario.RunAsync(options),
        "seed" => await SeedScenario.RunAsync(options),
        _ => null,
    };
}
