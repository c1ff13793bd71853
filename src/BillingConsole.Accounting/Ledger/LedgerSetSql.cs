using System.Text.RegularExpressions;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The input of a set-based resolution (<see cref="ILedgerDialect.ResolveManySql"/>): one column per parameter of
/// <see cref="ILedgerDialect.ResolveSql"/> that differs between holds, bound as an array under the parameter's own name.
/// @created_at and @day are the batch's, bound once. The shared fragments of <see cref="LedgerSql"/> are reused by
/// rewriting their per-hold parameters into columns of the input row (<see cref="PerItem"/>), so a guard or formula
/// changed there changes both paths.
/// </summary>
public static partial class LedgerSetSql
{
    /// <summary>The per-hold parameters and their element types, in the order the input table lists them.</summary>
    public static readonly IReadOnlyList<(string Name, Type Type)> ItemColumns =
    [
        ("reservation_id", typeof(long)), ("account_id", typeof(long)), ("status", typeof(string)), ("type", typeof(string)),
        ("late", typeof(long)), ("charge", typeof(long)), ("cost", typeof(long)), ("input_tokens", typeof(long)),
        ("output_tokens", typeof(long)), ("cached_tokens", typeof(long)), ("quantity", typeof(long)), ("shape", typeof(long)),
        ("request_status", typeof(string)), ("error_code", typeof(string)), ("http_status", typeof(int)), ("latency_ms", typeof(int)),
        ("ttfb_ms", typeof(int)), ("streaming", typeof(bool)), ("provider", typeof(string)), ("client_ip", typeof(string)),
        ("user_agent", typeof(string)), ("description", typeof(string)), ("source", typeof(string)), ("actor", typeof(string)),
    ];

    /// <summary>The input table's column for a per-hold parameter: prefixed so that it never shadows a column of the
    /// tables the fragments name unqualified (reservations.status, .cost, .account_id...).</summary>
    public static string Column(string name) => "in_" + name;

    /// <summary>Every input column, comma-separated (the column list of the input table).</summary>
    public static string ColumnList => string.Join(", ", ItemColumns.Select(c => Column(c.Name)));

    /// <summary><paramref name="sql"/> with each per-hold parameter replaced by that column of <paramref name="alias"/>.</summary>
    public static string PerItem(string sql, string alias) =>
        Parameter().Replace(sql, m => ItemColumns.Any(c => c.Name == m.Groups[1].Value) ? $"{alias}.{Column(m.Groups[1].Value)}" : m.Value);

    [GeneratedRegex(@"@(\w+)\b")]
    private static partial Regex Parameter();
}
