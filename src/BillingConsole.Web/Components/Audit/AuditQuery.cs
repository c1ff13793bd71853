using System.Globalization;
using System.Text;
using BillingConsole.Accounting.Metering;

namespace BillingConsole.Web.Components.Audit;

/// <summary>
/// The audit trail's filters as plain values: a model slug, an API key id, a request status, an inclusive range of UTC
/// completion dates, a tag, or one call by its reservation id. The page reads them from its query string (a malformed value
/// is ignored rather than failing the page) and the export links pass them on to <c>GET /billing/requests</c>.
/// </summary>
public sealed record AuditQuery(
    long? Reservation = null,
    string? Model = null,
    long? KeyId = null,
    string? Status = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Tag = null)
{
    public static readonly IReadOnlyList<string> Statuses =
        [RequestStatus.Success, RequestStatus.Error, RequestStatus.Cancelled, RequestStatus.Expired];

    /// <summary>True when any of the narrowing filters (not the single-call view) is set.</summary>
    public bool HasFilters => Model is not null || KeyId is not null || Status is not null || From is not null || To is not null
                              || Tag is not null;

    public static AuditQuery Parse(string? reservation, string? model, string? key, string? status, string? from, string? to,
        string? tag = null) => new(
        Id(reservation),
        string.IsNullOrWhiteSpace(model) ? null : model.Trim(),
        Id(key),
        status is not null && Statuses.Contains(status) ? status : null,
        Date(from),
        Date(to),
        TagText(tag));

    /// <summary>A typed tag, trimmed; blank means no tag filter. It is not checked here: the trail says what is wrong
    /// with it, so a mistyped tag is explained instead of silently dropped.</summary>
    public static string? TagText(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2 and <= 9998
            ? d
            : null;

    public static string? DateText(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The export address: every record these filters select, as one JSON or CSV download.</summary>
    public string ExportUrl(string format)
    {
        var url = new StringBuilder("/billing/requests?format=").Append(format).Append("&download=true");
        void Add(string name, string? value)
        {
            if (value is not null)
                url.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        Add("reservation_id", Reservation?.ToString(CultureInfo.InvariantCulture));
        Add("model", Model);
        Add("key_id", KeyId?.ToString(CultureInfo.InvariantCulture));
        Add("status", Status);
        Add("from", DateText(From));
        Add("to", DateText(To));
        Add("tag", Tag);
        return url.ToString();
    }

    private static long? Id(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
