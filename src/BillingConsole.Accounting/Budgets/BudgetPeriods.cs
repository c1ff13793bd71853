namespace BillingConsole.Accounting.Budgets;

/// <summary>
/// A budget's period and its calendar boundaries. Accounts have no time zone yet, so every boundary is UTC: a day
/// starts at 00:00 UTC, a week on Monday 00:00 UTC (ISO 8601), a month on the 1st. A lifetime budget never resets: its
/// period always starts at <see cref="LifetimeStart"/>.
/// </summary>
public static class BudgetPeriods
{
    public const string Daily = "daily";
    public const string Weekly = "weekly";
    public const string Monthly = "monthly";
    public const string Lifetime = "lifetime";

    public static readonly IReadOnlyList<string> All = [Daily, Weekly, Monthly, Lifetime];

    /// <summary>The one period start of a lifetime budget (any fixed instant would do).</summary>
    public static readonly DateTime LifetimeStart = DateTime.UnixEpoch;

    public static bool IsKnown(string? period) => period is Daily or Weekly or Monthly or Lifetime;

    public static DateTime DayStart(DateTime now) => DateTime.SpecifyKind(now.Date, DateTimeKind.Utc);

    public static DateTime WeekStart(DateTime now) => DayStart(now).AddDays(-(((int)now.DayOfWeek + 6) % 7));

    public static DateTime MonthStart(DateTime now) => new(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The start of the period of <paramref name="period"/> that contains <paramref name="now"/> (UTC).</summary>
    public static DateTime StartOf(string period, DateTime now) => period switch
    {
        Daily => DayStart(now),
        Weekly => WeekStart(now),
        Monthly => MonthStart(now),
        Lifetime => LifetimeStart,
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
    };

    /// <summary>When the period containing <paramref name="now"/> ends and the budget starts afresh; null for lifetime.</summary>
    public static DateTime? ResetAt(string period, DateTime now) => period switch
    {
        Daily => DayStart(now).AddDays(1),
        Weekly => WeekStart(now).AddDays(7),
        Monthly => MonthStart(now).AddMonths(1),
        _ => null,
    };
}
