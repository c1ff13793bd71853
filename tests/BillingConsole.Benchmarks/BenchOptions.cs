using System.Globalization;

namespace BillingConsole.Benchmarks;

/// <summary>Command line: a scenario name then --key value pairs.</summary>
public sealed record BenchOptions(string Scenario, string Provider, int Workers, int Accounts, TimeSpan Duration, long Entries, string? Postgres)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        string Get(string key, string fallback) => values.GetValueOrDefault(key, fallback);
        return new BenchOptions(
            args.FirstOrDefault() ?? "",
            Get("provider", "sqlite").ToLowerInvariant(),
            int.Parse(Get("workers", "20"), CultureInfo.InvariantCulture),
            int.Parse(Get("accounts", "50"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Get("seconds", "10"), CultureInfo.InvariantCulture)),
            long.Parse(Get("entries", "1000000"), CultureInfo.InvariantCulture),
            Environment.GetEnvironmentVariable("BILLING_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("BILLING_TEST_POSTGRES"));
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project tests/BillingConsole.Benchmarks -- <scenario> [options]
              ledger  --provider sqlite|postgres --workers 20 --accounts 50 --seconds 10
              paging  --provider sqlite|postgres --entries 1000000
            PostgreSQL: BILLING_BENCH_POSTGRES (or BILLING_TEST_POSTGRES) holds an admin connection string.
            """);
        return 2;
    }
}
