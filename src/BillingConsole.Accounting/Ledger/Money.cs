using System.Globalization;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// An exact amount of US dollars held as a 64-bit count of nano-dollars (10^-9 USD), the ledger's storage unit.
/// Fine enough that $0.02 per million tokens is 20 units a token; no floating point is ever involved.
/// </summary>
public readonly record struct Money(long Units) : IComparable<Money>
{
    public const int Scale = 9;
    public const long UnitsPerDollar = 1_000_000_000;

    /// <summary>The largest amount one operation may move, and the largest balance an account may hold: $1 billion.
    /// Keeping both far below long.MaxValue means no sum in SQL can overflow (SQLite would silently turn it into a float).</summary>
    public static readonly Money Max = new(1_000_000_000L * UnitsPerDollar);

    public static readonly Money Zero = new(0);

    private static readonly CultureInfo UsCulture = CultureInfo.GetCultureInfo("en-US");

    public static Money FromDollars(long dollars) => new(checked(dollars * UnitsPerDollar));

    public static Money FromCents(long cents) => new(checked(cents * (UnitsPerDollar / 100)));

    /// <summary>Converts a decimal dollar amount; fails rather than rounds when it has more than nine decimals or is out of range.</summary>
    public static bool TryFromDecimal(decimal dollars, out Money money)
    {
        money = Zero;
        if (dollars > Max.ToDecimal() || dollars < -Max.ToDecimal())
            return false;
        var units = dollars * UnitsPerDollar;
        if (units != decimal.Truncate(units))
            return false;
        money = new Money((long)units);
        return true;
    }

    public static Money FromDecimal(decimal dollars) =>
        TryFromDecimal(dollars, out var money)
            ? money
            : throw new ArgumentOutOfRangeException(nameof(dollars), dollars, "Amount has more than 9 decimals or exceeds $1,000,000,000.");

    /// <summary>Parses "12.5", "-0.000000001", "$1,234.56" exactly; rejects exponents, more than 9 decimals and out-of-range values.</summary>
    public static bool TryParse(string? text, out Money money)
    {
        money = Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative)
            s = s[1..];
        if (s.StartsWith('$'))
            s = s[1..];
        const NumberStyles style = NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands;
        if (!decimal.TryParse(s, style, CultureInfo.InvariantCulture, out var value))
            return false;
        return TryFromDecimal(negative ? -value : value, out money);
    }

    public decimal ToDecimal() => Units / (decimal)UnitsPerDollar;

    public bool IsNegative => Units < 0;

    /// <summary>Display form: currency with thousands separators, at least cents, and as many further decimals as
    /// the amount really has (never rounded): $1,234.50, -$0.000042.</summary>
    public string Format()
    {
        var abs = Math.Abs(ToDecimal());
        var text = abs.ToString("#,##0.00#######", UsCulture);
        return (Units < 0 ? "-$" : "$") + text;
    }

    /// <summary>Like <see cref="Format"/> but always with a sign, for ledger amounts: +$5.00, -$0.25.</summary>
    public string FormatSigned() => Units > 0 ? "+" + Format() : Format();

    public override string ToString() => Format();

    public int CompareTo(Money other) => Units.CompareTo(other.Units);

    public static Money operator +(Money a, Money b) => new(checked(a.Units + b.Units));
    public static Money operator -(Money a, Money b) => new(checked(a.Units - b.Units));
    public static Money operator -(Money a) => new(checked(-a.Units));
    public static bool operator <(Money a, Money b) => a.Units < b.Units;
    public static bool operator >(Money a, Money b) => a.Units > b.Units;
    public static bool operator <=(Money a, Money b) => a.Units <= b.Units;
    public static bool operator >=(Money a, Money b) => a.Units >= b.Units;
}
