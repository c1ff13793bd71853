using System.Globalization;
using System.Text;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// Seeded generator of malformed, boundary and random request parts: ids, query values, JSON bodies of every shape,
/// wrong content types and oversized bodies. The same seed gives the same requests.
/// </summary>
public sealed class HostileInputs(int seed, IReadOnlyList<long> knownIds)
{
    private readonly Random _random = new(seed);

    public const string Script = "<script>alert(1)</script><img src=x onerror=alert(2)>";

    private static readonly string[] Strings =
    [
        "", " ", "a", Script, "\"><svg onload=alert(3)>", "javascript:alert(4)", "'; DROP TABLE ledger_entries; --", "=HYPERLINK(\"http://x\")",
        "\u0000", "\u202e\u0645\u0631\u062d\u0628\u0627", "😀👍🏽", "\ud800", "Ａｃｍｅ", "null", "true", "NaN", "-0", "1e309", "0x10",
        "../../etc/passwd", "%00", "%2e%2e%2f", "${jndi:ldap://x}", "{{7*7}}", "\r\nSet-Cookie: x=1", "gpt-4o-mini", "success", "error",
        "2026-02-30", "2026-13", "9999-12-31", "0001-01-01", "csv", "json", "day", "model", "key", "tag", "true",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.5", "1e3", "1E-9", "0.000000001", "0.0000000001", "-5", "100000000", "100000001", "2147483647", "2147483648",
        "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1000000000", "1000000000.000000001",
        "1e308", "1e309", "123456789012345678901234567890", "3.14159265358979323846264338327950288",
    ];

    private static readonly string[] QueryNames =
    [
        "limit", "before", "type", "from", "to", "format", "month", "group_by", "reservation_id", "download", "model", "key_id", "status",
        "tab", "returnUrl", "account_id", "id", "page", "x",
    ];

    public int Next(int max) => _random.Next(max);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A route value: a real id now and then, otherwise any kind of junk (escaped for the path).</summary>
    public string Id() => _random.Next(6) switch
    {
        0 when knownIds.Count > 0 => Pick(knownIds).ToString(CultureInfo.InvariantCulture),
        1 => Pick(Numbers),
        2 => _random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        3 => new string('9', _random.Next(1, 400)),
        _ => Pick(Strings),
    } is var raw && raw.Length == 0 ? "%20" : Uri.EscapeDataString(raw);

    public string Query()
    {
        var parts = Enumerable.Range(0, _random.Next(0, 5))
            .Select(_ => $"{Uri.EscapeDataString(_random.Next(8) == 0 ? Pick(Strings) : Pick(QueryNames))}={Uri.EscapeDataString(Value())}");
        return string.Join('&', parts);
    }

    private string Value() => _random.Next(3) switch
    {
        0 => Pick(Numbers),
        1 => Pick(Strings),
        _ => knownIds.Count > 0 ? Pick(knownIds).ToString(CultureInfo.InvariantCulture) : "1",
    };

    /// <summary>A JSON body built from the endpoint's field names with values of every type, or broken JSON.</summary>
    public string Json(IReadOnlyList<string> fields, int depth = 0)
    {
        switch (_random.Next(12))
        {
            case 0: return Pick(["", "{", "}", "[]", "null", "\"text\"", "42", "{\"a\":}", "{'single':1}", "{\"a\":1,}", "\u00ef\u00bb\u00bf{}"]);
            case 1: return "[" + Json(fields, depth + 1) + "]";
        }
        var sb = new StringBuilder("{");
        var count = _random.Next(0, fields.Count + 2);
        for (var i = 0; i < count; i++)
        {
            var name = _random.Next(10) == 0 ? Pick(Strings) : Pick(fields);
            if (i > 0)
                sb.Append(',');
            sb.Append(Quote(name)).Append(':').Append(JsonValue(fields, depth));
        }
        return sb.Append('}').ToString();
    }

    private string JsonValue(IReadOnlyList<string> fields, int depth) => _random.Next(depth > 2 ? 5 : 8) switch
    {
        0 => Pick(Numbers),
        1 => Quote(Pick(Strings)),
        2 => Pick(["true", "false", "null"]),
        3 => knownIds.Count > 0 ? Pick(knownIds).ToString(CultureInfo.InvariantCulture) : "1",
        4 => Quote(Pick(Numbers)),
        5 => "[" + string.Join(',', Enumerable.Range(0, _random.Next(0, 4)).Select(_ => JsonValue(fields, depth + 1))) + "]",
        6 => Json(fields, depth + 1),
        _ => Quote(new string('x', _random.Next(100, 5000))),
    };

    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    /// <summary>The content type to claim for a body: mostly JSON, otherwise wrong or odd.</summary>
    public string? ContentType() => _random.Next(10) switch
    {
        < 6 => "application/json",
        6 => "text/plain",
        7 => "application/x-www-form-urlencoded",
        8 => Pick(["application/json; charset=utf-16", "application/merge-patch+json", "multipart/form-data; boundary=x", "application/xml"]),
        _ => null,
    };

    /// <summary>Now and then a body over every limit (the API's 1 MiB, the webhook's 512 KiB).</summary>
    public bool Oversized() => _random.Next(60) == 0;

    public static string Huge() => "{\"name\":\"" + new string('x', 1_100_000) + "\"}";
}
