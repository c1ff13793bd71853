namespace BillingConsole.Accounting.Identity;

/// <summary>
/// What a customer API key may do. Stored as one space-separated string in a fixed order (the OAuth 2.0 <c>scope</c>
/// convention, RFC 6749 §3.3): readable in SQL and in the admin views, and a new scope needs no renumbering or CHECK
/// change. Browser sessions are not limited by scopes.
/// </summary>
public static class ApiKeyScopes
{
    /// <summary>The LLM gateway may accept the key for calls.</summary>
    public const string Inference = "inference";
    /// <summary>Balance, transactions, summary, usage, requests and invoices.</summary>
    public const string BillingRead = "billing:read";
    /// <summary>Create, change and revoke the account's keys.</summary>
    public const string KeysWrite = "keys:write";

    /// <summary>Every scope, in the stored order.</summary>
    public static readonly IReadOnlyList<string> All = [Inference, BillingRead, KeysWrite];

    /// <summary>What a new key gets when its creator picks nothing.</summary>
    public static readonly IReadOnlyList<string> Default = [Inference, BillingRead];

    /// <summary>The stored form of every scope: what keys made before scopes existed were given, so nothing broke.</summary>
    public static readonly string AllText = Format(All);

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>The stored form: known scopes only, each once, in <see cref="All"/>'s order.</summary>
    public static string Format(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return string.Join(' ', All.Where(set.Contains));
    }

    /// <summary>The scopes of a stored value (unknown words, if any, are dropped: they grant nothing).</summary>
    public static IReadOnlyList<string> Parse(string? stored) =>
        (stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(IsKnown).Distinct(StringComparer.Ordinal).ToList();
}
