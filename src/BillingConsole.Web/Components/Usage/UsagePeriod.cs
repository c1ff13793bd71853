namespace BillingConsole.Web.Components.Usage;

/// <summary>The periods a customer picks for usage and savings. Every period is a range of whole UTC days that ends no
/// later than today (UTC); today counts although it is not over yet.</summary>
public enum UsagePeriod
{
    /// <summary>The first day of the current UTC month to today.</summary>
    ThisMonth,
    /// <summary>The whole previous UTC month.</summary>
    LastMonth,
    /// <summary>Today and the 6 days before it.</summary>
    Last7Days,
    /// <summary>Today and the 29 days before it.</summary>
    Last30Days,
    /// <summary>Today and the 89 days before it.</summary>
    Last90Days,
}

/// <summary>An inclusive range of UTC dates.</summary>
public readonly record struct UsageRange(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public IEnumerable<DateOnly> Dates()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
            yield return d;
    }

    public override string ToString() => From == To
        ? $"{From:yyyy-MM-dd} (UTC)"
        : $"{From:yyyy-MM-dd} – {To:yyyy-MM-dd} (UTC)";
}

public static class UsagePeriods
{
    public static readonly IReadOnlyList<UsagePeriod> All =
        [UsagePeriod.ThisMonth, UsagePeriod.LastMonth, UsagePeriod.Last7Days, UsagePeriod.Last30Days, UsagePeriod.Last90Days];

    public static string Label(UsagePeriod period) => period switch
    {
        UsagePeriod.ThisMonth => "This month",
        UsagePeriod.LastMonth => "Last month",
        UsagePeriod.Last7Days => "Last 7 days",
        UsagePeriod.Last30Days => "Last 30 days",
        UsagePeriod.Last90Days => "Last 90 days",
        _ => period.ToString(),
    };

    /// <summary>The dates of <paramref name="period"/> as of <paramref name="utcNow"/>.</summary>
    public static UsageRange RangeOf(UsagePeriod period, DateTime utcNow)
    {
        var today = DateOnly.FromDateTime(utcNow.Kind == DateTimeKind.Local ? utcNow.ToUniversalTime() : utcNow);
        var firstOfMonth = new DateOnly(today.Year, today.Month, 1);
        return period switch
        {
            UsagePeriod.ThisMonth => new UsageRange(firstOfMonth, today),
            UsagePeriod.LastMonth => new UsageRange(firstOfMonth.AddMonths(-1), firstOfMonth.AddDays(-1)),
            UsagePeriod.Last7Days => new UsageRange(today.AddDays(-6), today),
            UsagePeriod.Last30Days => new UsageRange(today.AddDays(-29), today),
            UsagePeriod.Last90Days => new UsageRange(today.AddDays(-89), today),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
        };
    }
}
