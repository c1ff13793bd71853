using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>The download switches of a list endpoint, bound with <c>[AsParameters]</c>. CSV is always a download of every
/// matching row; JSON is a page unless <c>download=true</c> asks for every matching row as one attachment.</summary>
public sealed record ExportQuery(
    [property: FromQuery(Name = "format"), Description("json (default) or csv. csv downloads every matching row (at most limit when given).")]
    string? Format,
    [property: FromQuery(Name = "download"), Description("true: every matching row as one attachment, in the chosen format. Default false.")]
    string? Download)
{
    public const string DownloadError = "download is true or false.";

    /// <param name="csv">The rows are written as CSV.</param>
    /// <param name="export">Every matching row goes out as one attachment (always so for CSV).</param>
    public ProblemHttpResult? Bind(out bool csv, out bool export)
    {
        (csv, export) = (false, false);
        if (QueryValues.IsCsv(Format) is not { } isCsv)
            return Problems.Invalid(QueryValues.FormatError);
        bool? download = Download?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            _ => null,
        };
        if (download is null)
            return Problems.Invalid(DownloadError);
        (csv, export) = (isCsv, isCsv || download.Value);
        return null;
    }
}
