using System.Globalization;

namespace BillingConsole.Accounting.Statements;

/// <summary>A calendar month in UTC, the period of statements and monthly summaries: [<see cref="Start"/>, <see cref="End"/>).</summary>
public readonly record struct BillingMonth : IComparable<BillingMonth>
{
    public BillingMonth(int year, int month)
    {
        // The last month is 9998-12 so that End is still a DateTime.
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>Midnight UTC of the month's first day (inclusive).</summary>
    public DateTime Start => new(Year, Month, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Midnight UTC of the next month's first day (exclusive).</summary>
    public DateTime End => Start.AddMonths(1);

    public BillingMonth Next => Of(End);

    public BillingMonth Previous => Of(Start.AddDays(-1));

    /// <summary>The month a UTC instant falls in.</summary>
    public static BillingMonth Of(DateTime utc) => new(utc.Year, utc.Month);

    /// <summary>Parses exactly <c>YYYY-MM</c> (years 0001 to 9998).</summary>
    public static bool TryParse(string? text, out BillingMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year is < 1 or > 9998 || m is < 1 or > 12)
            return false;
        month = new BillingMonth(year, m);
        return true;
    }

    public int CompareTo(BillingMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(BillingMonth a, BillingMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(BillingMonth a, BillingMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(BillingMonth a, BillingMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(BillingMonth a, BillingMonth b) => a.CompareTo(b) >= 0;

    /// <summary><c>YYYY-MM</c>.</summary>
    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
