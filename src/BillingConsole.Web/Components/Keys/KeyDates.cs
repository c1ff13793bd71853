using System.Globalization;

namespace BillingConsole.Web.Components.Keys;

/// <summary>Compact UTC dates for the key list (the column headers say UTC).</summary>
public static class KeyDates
{
    /// <summary>"2026-03-10".</summary>
    public static string Day(DateTime utc) => Utc(utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"2026-03-10 14:05".</summary>
    public static string Minute(DateTime utc) => Utc(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
}
