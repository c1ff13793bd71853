namespace BillingConsole.Web.Api;

/// <summary>Query-string switches shared by the read APIs, each with the one refusal message clients see.</summary>
public static class QueryValues
{
    public const string FormatError = "format is json or csv.";

    /// <summary>format: json (or absent) → false, csv → true, anything else → null (refuse with <see cref="FormatError"/>).</summary>
    public static bool? IsCsv(string? format) => format?.ToLowerInvariant() switch
    {
        null or "json" => false,
        "csv" => true,
        _ => null,
    };
}
