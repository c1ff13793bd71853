using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Usage;

/// <summary>How long the balance lasts at the recent rate of spending.</summary>
/// <param name="Balance">The balance the estimate is for.</param>
/// <param name="Spent">What the account spent in the window (see <see cref="RunwayMath"/>).</param>
/// <param name="Window">The length of the window: 7 days plus the part of today that has passed.</param>
/// <param name="DailyRate">Spent per 24 hours, rounded down to the nano-dollar; null when nothing was spent.</param>
/// <param name="Days">Whole days the balance lasts at that rate (0 when the balance is zero or below); null when nothing
/// was spent, so there is no rate to extrapolate.</param>
public sealed record RunwayEstimate(Money Balance, Money Spent, TimeSpan Window, Money? DailyRate, long? Days);

/// <summary>
/// The runway arithmetic, shared by the balance card and the runway alert: "at the last 7 days' rate your balance
/// lasts about N days".
/// <list type="bullet">
/// <item>The window starts at 00:00 UTC seven days before today and ends now: the 7 full UTC days before today plus
/// today so far, so a new day's first hours neither drop a whole day of spending nor count as a whole day.</item>
/// <item>Spent = the settled calls' cost in the usage rollups of those 8 UTC days (today included) + the debits of the
/// other spend types (<see cref="EntryCategories.SpendWithoutHoldTypes"/>) posted in the window. Open holds are not
/// counted: they settle at the real cost (or are returned) within minutes, and the settled cost lands in the rollups.</item>
/// <item>Rate = Spent / window length; N = floor(balance / rate), computed exactly in 128-bit integers.</item>
/// </list>
/// </summary>
public static class RunwayMath
{
    /// <summary>Ledger debits that are spending besides metered calls: the spend types written without a hold.</summary>
    public static IReadOnlyList<string> DebitTypes => EntryCategories.SpendWithoutHoldTypes;

    public const int WindowDays = 7;

    /// <summary>The start of the window for <paramref name="utcNow"/>: 00:00 UTC, <see cref="WindowDays"/> days before today.</summary>
    public static DateTime WindowStart(DateTime utcNow) => DateTime.SpecifyKind(utcNow.Date.AddDays(-WindowDays), DateTimeKind.Utc);

    public static RunwayEstimate Estimate(Money balance, Money spent, TimeSpan window)
    {
        if (spent.Units <= 0 || window <= TimeSpan.Zero)
            return new RunwayEstimate(balance, spent, window, null, null);
        var rate = new Money((long)((Int128)spent.Units * TimeSpan.TicksPerDay / window.Ticks));
        var days = balance.Units <= 0 ? 0 : (long)Int128.Min((Int128)balance.Units * window.Ticks / ((Int128)spent.Units * TimeSpan.TicksPerDay), long.MaxValue);
        return new RunwayEstimate(balance, spent, window, rate, days);
    }
}
