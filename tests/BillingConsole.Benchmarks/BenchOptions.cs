using System.Globalization;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Benchmarks;

/// <summary>Command line: a scenario name then --key value pairs; <c>--smoke</c> (no value) picks sizes that run in seconds
/// (explicit options still win).</summary>
public sealed record BenchOptions(string Scenario, string Provider, int Workers, int Accounts, TimeSpan Duration, long Entries, string? Postgres)
{
    /// <summary>Metered calls in the big account (seed, reads).</summary>
    public long Requests { get; init; } = 10_000_000;

    /// <summary>Metered calls in the small account the reads are compared with.</summary>
    public long SmallRequests { get; init; } = 100_000;

    /// <summary>Days of history the seeded traffic spans.</summary>
    public int Days { get; init; } = 90;

    /// <summary>Entries appended through the write path before an incremental invariant check (checker).</summary>
    public int Appends { get; init; } = 1_000;

    /// <summary>Holds per batch settle request (metering; the API takes at most 500).</summary>
    public int Batch { get; init; } = 100;

    /// <summary>Browser pages (circuits) kept open (circuits).</summary>
    public int Circuits { get; init; } = 100;

    /// <summary>Calls per bulk-loaded chunk of seeded history (the loader holds a chunk in memory).</summary>
    public long ChunkRequests { get; init; } = 1_000_000;

    /// <summary>Timed repetitions of each read (reads, paging; metering times each part of keys:verify 5 × this).</summary>
    public int Runs { get; init; } = 200;

    public bool Smoke { get; init; }

    /// <summary>Group commit settings for the engine's "on" side (ledger): <c>--group-wait-ms</c>, <c>--group-max-batch</c>,
    /// <c>--group-in-flight</c>; the app's defaults when not given.</summary>
    public GroupCommitOptions GroupCommit { get; init; } = new();

    /// <summary>Folder for heap snapshots taken before and after the idle circuits open (circuits; null: none).</summary>
    public string? GcDumpDir { get; init; }

    /// <summary>Where progress and the tables go (the smoke test captures it).</summary>
    public TextWriter Out { get; init; } = Console.Out;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Length; i++)
        {
            var key = args[i].TrimStart('-');
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[key] = hasValue ? args[++i] : "true";
        }
        var smoke = values.ContainsKey("smoke");
        string Get(string key, string normal, string small) => values.GetValueOrDefault(key, smoke ? small : normal);
        long Long(string key, string normal, string small) => long.Parse(Get(key, normal, small), CultureInfo.InvariantCulture);
        var groupCommit = new GroupCommitOptions
        {
            Enabled = true,
            MaxWaitMs = (int)Long("group-wait-ms", "0", "0"),
            MaxBatch = (int)Long("group-max-batch", "64", "64"),
            MaxInFlight = (int)Long("group-in-flight", "0", "0"),
        };
        if (groupCommit.Check() is { } invalid)
            throw new ArgumentException(invalid);
        return new BenchOptions(
            args.FirstOrDefault() ?? "",
            Get("provider", "sqlite", "sqlite").ToLowerInvariant(),
            (int)Long("workers", "20", "20"),
            (int)Long("accounts", "50", "10"),
            TimeSpan.FromSeconds(double.Parse(Get("seconds", "10", "1"), CultureInfo.InvariantCulture)),
            Long("entries", "1000000", "2000"),
            Environment.GetEnvironmentVariable("BILLING_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("BILLING_TEST_POSTGRES"))
        {
            Requests = Long("requests", "10000000", "2000"),
            SmallRequests = Long("small-requests", "100000", "500"),
            Days = (int)Long("days", "90", "30"),
            Appends = (int)Long("appends", "1000", "50"),
            Batch = (int)Long("batch", "100", "20"),
            // The smoke run opens 6 circuits: with 2 extra ones, one CI run measured no heap growth (noise outweighed them).
            Circuits = (int)Long("circuits", "100", "6"),
            Runs = (int)Long("runs", "200", "10"),
            ChunkRequests = Long("chunk-requests", "1000000", "1000000"),
            Smoke = smoke,
            GcDumpDir = values.GetValueOrDefault("gcdump"),
            GroupCommit = groupCommit,
        };
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project tests/BillingConsole.Benchmarks -- <scenario> [options] [--smoke]
              ledger    --provider sqlite|postgres --workers 20 --accounts 50 --seconds 10
                        [--group-wait-ms 0 --group-max-batch 64 --group-in-flight 0] (the "on" side's group commit)
              metering  --provider sqlite|postgres --workers 20 --accounts 50 --seconds 10 --batch 100 --runs 200
                        (reserve, settle single and batch, the keys:verify + reserve + settle mix, then keys:verify's
                        parts, each timed --runs x 5 times)
              paging    --provider sqlite|postgres --entries 1000000 --runs 200
              reads     --provider sqlite|postgres --requests 10000000 --small-requests 100000 --days 90 --runs 200
              checker   --provider sqlite|postgres --entries 10000000 --appends 1000
              circuits  --circuits 100 [--gcdump DIR] (DIR: heap snapshots with dotnet-gcdump and the growth by type)
              seed      --provider sqlite|postgres --requests 10000000 --days 90
            reads, checker and seed also take --chunk-requests 1000000 (calls per bulk-loaded chunk).
            --smoke: sizes that finish in seconds (the CI smoke test). PostgreSQL: BILLING_BENCH_POSTGRES (or
            BILLING_TEST_POSTGRES) holds an admin connection string. Chromium: /usr/bin/chromium or BILLING_TEST_CHROMIUM.
            """);
        return 2;
    }
}
