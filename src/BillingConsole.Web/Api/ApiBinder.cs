using System.Globalization;
using BillingConsole.Accounting.Statements;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

/// <summary>
/// The one set of rules for reading request values, with one message per rule naming the parameter: whole numbers are
/// invariant digits only (no sign, no spaces, no leading <c>+</c>, no separators), dates are exactly YYYY-MM-DD and
/// months YYYY-MM, both within years <see cref="MinYear"/> to <see cref="MaxYear"/> (so the day before a range start and
/// the day after a range end always exist). Each method returns the 400 to answer, or null with the value bound.
/// </summary>
public static class ApiBinder
{
    public const int MinYear = 2;
    public const int MaxYear = 9998;

    public static string LimitMessage(int max) => $"limit must be a whole number from 1 to {max}.";

    public static string IdMessage(string name) => $"{name} must be an id: a whole number from 1, digits only.";

    public static string DateMessage(string name) => $"{name} must be a date YYYY-MM-DD from {MinYear:D4}-01-01 to {MaxYear:D4}-12-31.";

    public static string MonthMessage(string name) => $"{name} must be a month YYYY-MM from {MinYear:D4}-01 to {MaxYear:D4}-12.";

    public static string TagMessage(string name) => $"{name} must be one tag: {Accounting.Metering.TagRule.Text}.";

    public const string RangeOrderMessage = "from must not be after to.";

    public static string RangeLengthMessage(int maxDays) => $"from and to must be at most {maxDays} days apart, both included.";

    /// <summary>Digits only, invariant culture, within [min, max]: "+5", " 5", "5.0", "1,000" and "٥" are all refused.</summary>
    public static bool TryWholeNumber(string? text, long min, long max, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    public static string TimestampMessage(string name) =>
        $"{name} must be an ISO 8601 timestamp with its offset, e.g. 2026-03-01T12:00:00Z or 2026-03-01T13:00:00.5+01:00, in years {MinYear:D4} to {MaxYear:D4}.";

    // The offset is required: a time without one would silently mean the server's zone, or UTC, depending on who reads it.
    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];

    /// <summary>An ISO 8601 timestamp with <c>Z</c> or a numeric offset, bound as UTC.</summary>
    public static bool TryTimestamp(string? text, out DateTime utc)
    {
        utc = default;
        if (text is null || !(text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':'))
            return false;
        if (!DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return false;
        utc = at.UtcDateTime;
        return utc.Year is >= MinYear and <= MaxYear;
    }

    /// <summary>An optional timestamp parameter of the query (<c>at</c>).</summary>
    public static ProblemHttpResult? OptionalTimestamp(string name, string? text, out DateTime? utc)
    {
        utc = null;
        if (text is null)
            return null;
        if (!TryTimestamp(text, out var value))
            return Problems.Invalid(TimestampMessage(name));
        utc = value;
        return null;
    }

    /// <summary>A resource id, in the path or the query: a whole number from 1.</summary>
    public static bool TryId(string? text, out long id) => TryWholeNumber(text, 1, long.MaxValue, out id);

    /// <summary><c>limit</c>: absent → <paramref name="defaultSize"/>, else 1 to <paramref name="max"/>.</summary>
    public static ProblemHttpResult? Limit(string? text, int defaultSize, int max, out int size)
    {
        size = defaultSize;
        if (text is null)
            return null;
        if (!TryWholeNumber(text, 1, max, out var value))
            return Problems.Invalid(LimitMessage(max));
        size = (int)value;
        return null;
    }

    /// <summary>An optional id parameter of the query (<c>before</c>, <c>key_id</c>, ...).</summary>
    public static ProblemHttpResult? OptionalId(string name, string? text, out long? id)
    {
        id = null;
        if (text is null)
            return null;
        if (!TryId(text, out var value))
            return Problems.Invalid(IdMessage(name));
        id = value;
        return null;
    }

    /// <summary>An optional tag (<c>tag</c>): the rule tags are accepted by at reservation, so every stored tag can be asked for.</summary>
    public static ProblemHttpResult? OptionalTag(string name, string? text, out string? tag)
    {
        tag = null;
        if (text is null)
            return null;
        if (!Accounting.Metering.TagRule.IsValid(text))
            return Problems.Invalid(TagMessage(name));
        tag = text;
        return null;
    }

    public static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date.Year is >= MinYear and <= MaxYear;

    public static ProblemHttpResult? OptionalDate(string name, string? text, out DateOnly? date)
    {
        date = null;
        if (text is null)
            return null;
        if (!TryDate(text, out var value))
            return Problems.Invalid(DateMessage(name));
        date = value;
        return null;
    }

    /// <summary><c>month</c>: absent → the current UTC month, else YYYY-MM.</summary>
    public static ProblemHttpResult? Month(string name, string? text, TimeProvider clock, out BillingMonth month)
    {
        month = BillingMonth.Of(clock.GetUtcNow().UtcDateTime);
        if (text is null)
            return null;
        if (!BillingMonth.TryParse(text, out var value) || value.Year < MinYear)
            return Problems.Invalid(MonthMessage(name));
        month = value;
        return null;
    }
}
