using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The runway as the console shows it; the arithmetic is the engine's <see cref="RunwayMath"/> (the runway
/// alert uses the same), so the card and the alert never disagree.</summary>
public static class Runway
{
    public static IReadOnlyList<string> DebitTypes => RunwayMath.DebitTypes;

    public const int WindowDays = RunwayMath.WindowDays;

    public static DateTime WindowStart(DateTime utcNow) => RunwayMath.WindowStart(utcNow);

    public static RunwayEstimate Estimate(Money balance, Money spent, TimeSpan window) => RunwayMath.Estimate(balance, spent, window);

    /// <summary>"about 23 days", "less than a day", "more than 2 years", "used up" or "—".</summary>
    public static string Describe(RunwayEstimate estimate) => estimate.Days switch
    {
        null => "—",
        _ when estimate.Balance.Units <= 0 => "used up",
        0 => "less than a day",
        1 => "about 1 day",
        > 730 => "more than 2 years",
        { } days => $"about {BillingFormat.Count(days)} days",
    };
}
