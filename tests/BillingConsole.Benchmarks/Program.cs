using BillingConsole.Benchmarks;

// Each scenario seeds through the real write path (or the bulk loader that writes exactly its rows), runs for a fixed
// time or count, and prints a table. See docs/performance.md for the commands, the figures and the targets.
var options = BenchOptions.Parse(args);
return options.Scenario switch
{
    "ledger" => await LedgerWritesScenario.RunAsync(options),
    "paging" => await PagingScenario.RunAsync(options),
    _ => BenchOptions.Usage(),
};
