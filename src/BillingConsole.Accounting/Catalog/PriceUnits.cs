namespace BillingConsole.Accounting.Catalog;

/// <summary>
/// What a catalog entry is priced by. Token models price input, output and cached tokens per million; every other
/// unit has one price per unit (<see cref="ModelPrice.UnitPrice"/>) and is metered in <see cref="Quantity"/>.
/// </summary>
public static class PriceUnits
{
    public const string Tokens = "tokens";
    public const string GpuHour = "gpu_hour";
    public const string GbDay = "gb_day";
    public const string Image = "image";
    public const string Second = "second";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Tokens, GpuHour, GbDay, Image, Second]);

    /// <summary>How a unit reads in descriptions and pages: "GPU-hour", "GB-day".</summary>
    public static string Label(string unit) => unit switch
    {
        GpuHour => "GPU-hour",
        GbDay => "GB-day",
        Image => "image",
        Second => "second",
        _ => "token",
    };

    public static string Plural(string unit) => unit == GpuHour ? "GPU-hours" : unit == GbDay ? "GB-days" : Label(unit) + "s";
}
