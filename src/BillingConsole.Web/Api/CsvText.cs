using System.Globalization;
using System.Text;

namespace BillingConsole.Web.Api;

/// <summary>
/// A small RFC 4180 writer: CRLF line ends, a field is quoted when it holds a comma, quote, CR or LF (quotes doubled),
/// invariant culture. Text cells are protected against formula injection: one that starts with = + - @ (or a tab or
/// CR) gets a leading single quote, so a spreadsheet shows it as text. Numeric cells are written as they are.
/// </summary>
public sealed class CsvText
{
    private readonly StringBuilder _text = new();
    private bool _rowStarted;

    /// <summary>A text cell (null is an empty cell), protected against formula injection.</summary>
    public CsvText Text(string? value)
    {
        if (value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return Cell(value);
    }

    public CsvText Number(long? value) => Cell(value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>A plain decimal: no currency symbol, no thousands separator, a point for decimals.</summary>
    public CsvText Number(decimal? value) => Cell(value?.ToString(CultureInfo.InvariantCulture));

    public CsvText Bool(bool value) => Cell(value ? "true" : "false");

    /// <summary>ISO 8601 UTC, as in the JSON form: 2026-03-10T12:00:00.5Z.</summary>
    public CsvText Timestamp(DateTime value) =>
        Cell(DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));

    public CsvText Row(params ReadOnlySpan<string> header)
    {
        foreach (var name in header)
            Text(name);
        return EndRow();
    }

    public CsvText EndRow()
    {
        _text.Append("\r\n");
        _rowStarted = false;
        return this;
    }

    public override string ToString() => _text.ToString();

    private CsvText Cell(string? value)
    {
        if (_rowStarted)
            _text.Append(',');
        _rowStarted = true;
        if (value is null)
            return this;
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            _text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        else
            _text.Append(value);
        return this;
    }
}
