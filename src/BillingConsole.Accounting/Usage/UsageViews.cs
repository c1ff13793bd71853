using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;

namespace BillingConsole.Accounting.Usage;

/// <summary>A month of spending and usage; see <see cref="UsageQueries.GetSummaryAsync"/> for each figure's source.</summary>
public sealed record UsageSummary(
    BillingMonth Month,
    Money TotalCost,
    long ApiCalls,
    long TotalTokens,
    Money CallsCost,
    Money MarketCost,
    Money Saved,
    decimal SavedPct);

/// <summary>Usage totals of one group. The fields not grouped on are null; <see cref="KeyId"/> is null for calls
/// made without a key.</summary>
public sealed record UsageRow(
    DateOnly? Date,
    string? Model,
    string? Provider,
    string? Type,
    long? KeyId,
    string? Tag,
    long Calls,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    Money Cost,
    Money MarketCost)
{
    /// <summary>Input + output tokens (cached tokens are part of the input).</summary>
    public long Tokens => InputTokens + OutputTokens;
}

/// <summary>One metered call's audit record (metadata only: no prompt or completion is ever stored).
/// <see cref="CreatedAt"/> is when the call was settled or released. <see cref="KeyName"/> is the name of the key the call
/// was made with (kept after the key is revoked), null for a call made without a key. <see cref="HttpStatus"/> is the status
/// the gateway answered its client with, when its settle reported one.</summary>
public sealed record RequestRow(
    long Id,
    long ReservationId,
    DateTime CreatedAt,
    DateTime StartedAt,
    string? Model,
    string? Provider,
    string Status,
    string? ErrorCode,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    Money Cost,
    Money MarketCost,
    int? LatencyMs,
    int? TtfbMs,
    bool Streaming,
    long? ApiKeyId,
    string? ClientIp,
    string? UserAgent,
    IReadOnlyList<string> Tags,
    string? KeyName,
    int? HttpStatus = null);

/// <summary>Filters of the audit trail; every one is optional. <see cref="From"/> and <see cref="To"/> are inclusive
/// UTC dates of completion; <see cref="ReservationId"/> picks the one record of that call (a link to a single call);
/// <see cref="Tag"/> keeps the calls carrying that tag (one whole tag, compared exactly).</summary>
public sealed record RequestFilter(
    DateOnly? From = null,
    DateOnly? To = null,
    long? ModelId = null,
    long? ApiKeyId = null,
    string? Status = null,
    long? ReservationId = null,
    string? Tag = null);
