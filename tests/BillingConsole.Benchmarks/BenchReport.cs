namespace BillingConsole.Benchmarks;

/// <summary>What a scenario measured, for the table and for the smoke test's assertions.</summary>
public sealed class BenchReport
{
    public List<Measurements> Rows { get; } = [];

    /// <summary>Invariant violations found after the run (scenarios that write check the ledger at the end).</summary>
    public int Violations { get; set; }

    /// <summary>Set by a scenario whose own check failed (a refused write, a wrong row count).</summary>
    public string? Failure { get; set; }

    /// <summary>Details worth printing after the table (the first violations found, for instance).</summary>
    public List<string> Notes { get; } = [];

    public int ExitCode => Violations == 0 && Failure is null ? 0 : 1;

    public void Print(TextWriter output)
    {
        output.WriteLine(Measurements.Header);
        foreach (var row in Rows)
            output.WriteLine(row);
    }
}
