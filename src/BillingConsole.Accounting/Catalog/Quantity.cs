using System.Globalization;

namespace BillingConsole.Accounting.Catalog;

/// <summary>
/// An exact amount of a priced unit (GPU-hours, GB-days, images, seconds) held as a 64-bit count of micro-units, so
/// 1.5 GPU-hours is 1,500,000. No floating point: parsing refuses more than six decimals instead of rounding.
/// </summary>
public readonly record struct Quantity(long Micros)
{
    public const long MicrosPerUnit = 1_000_000;

    /// <summary>At most a million units per operation: with <see cref="Pricing.MaxUnitPrice"/> no SQL product overflows
    /// and no cost exceeds the $1 billion one operation may move.</summary>
    public static readonly Quantity Max = new(1_000_000 * MicrosPerUnit);

    public static bool TryFromDecimal(decimal units, out Quantity quantity)
    {
        quantity = default;
        if (units <= 0 || units > Max.ToDecimal())
            return false;
        var micros = units * MicrosPerUnit;
        if (micros != decimal.Truncate(micros))
            return false;
        quantity = new Quantity((long)micros);
        return true;
    }

    public static Quantity FromUnits(long units) => new(checked(units * MicrosPerUnit));

    public decimal ToDecimal() => Micros / (decimal)MicrosPerUnit;

    /// <summary>"120", "1.5", "0.000001": every decimal it has, none it does not.</summary>
    public override string ToString() => ToDecimal().ToString("#,##0.######", CultureInfo.InvariantCulture);
}
