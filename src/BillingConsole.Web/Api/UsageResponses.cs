using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;

namespace BillingConsole.Web.Api;

public sealed record SummaryResponse(string Month, decimal TotalCost, long ApiCalls, long TotalTokens, decimal MarketCost, decimal Saved,
    decimal SavedPct)
{
    public static SummaryResponse From(UsageSummary s) =>
        new(s.Month.ToString(), s.TotalCost.ToDecimal(), s.ApiCalls, s.TotalTokens, s.MarketCost.ToDecimal(), s.Saved.ToDecimal(), s.SavedPct);
}

public sealed record UsageRowResponse(DateOnly? Date, string? Model, string? Provider, string? Type, long? KeyId, string? Tag, long Calls,
    long InputTokens, long OutputTokens, long CachedTokens, long Tokens, decimal Cost, decimal MarketCost)
{
    public static UsageRowResponse From(UsageRow r) =>
        new(r.Date, r.Model, r.Provider, r.Type, r.KeyId, r.Tag, r.Calls, r.InputTokens, r.OutputTokens, r.CachedTokens, r.Tokens,
            r.Cost.ToDecimal(), r.MarketCost.ToDecimal());
}

public sealed record RequestResponse(long Id, long ReservationId, DateTime CreatedAt, DateTime StartedAt, string? Model, string? Provider,
    string Status, string? ErrorCode, long InputTokens, long OutputTokens, long CachedTokens, decimal Cost, decimal MarketCost, int? LatencyMs,
    int? TtfbMs, bool Streaming, long? ApiKeyId, string? ClientIp, string? UserAgent, IReadOnlyList<string> Tags, string? KeyName, int? HttpStatus)
{
    // New fields go last (key_name after tags, then http_status) so the CSV's existing columns keep their positions.
    public static RequestResponse From(RequestRow r) =>
        new(r.Id, r.ReservationId, r.CreatedAt, r.StartedAt, r.Model, r.Provider, r.Status, r.ErrorCode, r.InputTokens, r.OutputTokens,
            r.CachedTokens, r.Cost.ToDecimal(), r.MarketCost.ToDecimal(), r.LatencyMs, r.TtfbMs, r.Streaming, r.ApiKeyId, r.ClientIp,
            r.UserAgent, r.Tags, r.KeyName, r.HttpStatus);
}

public sealed record InvoiceLineResponse(string Type, long Count, decimal Amount);

/// <summary>The invoice. <c>fees</c> and <c>credits_used</c> are what was charged (positive); every other headline field is
/// signed as it moved the balance, so closing = opening + purchased − fees − credits_used + storage + refunds + corrections
/// + grants + payment_refunds + disputes + dispute_reversals (one field per <see cref="EntryCategories"/> category).</summary>
public sealed record InvoiceResponse(string Month, decimal OpeningBalance, decimal ClosingBalance, decimal Purchased, decimal Fees,
    decimal CreditsUsed, decimal Refunds, decimal Corrections, decimal Grants, decimal Storage, decimal PaymentRefunds, decimal Disputes,
    decimal DisputeReversals, IReadOnlyList<InvoiceLineResponse> Lines)
{
    public static InvoiceResponse From(Statement s) =>
        new(s.Month.ToString(), s.OpeningBalance.ToDecimal(), s.ClosingBalance.ToDecimal(), s.Purchased.ToDecimal(), s.Fees.ToDecimal(),
            s.CreditsUsed.ToDecimal(), s.Refunds.ToDecimal(), s.Corrections.ToDecimal(), s.Grants.ToDecimal(), s.Storage.ToDecimal(),
            s.PaymentRefunds.ToDecimal(), s.Disputes.ToDecimal(), s.DisputeReversals.ToDecimal(),
            s.Lines.Select(l => new InvoiceLineResponse(l.Type, l.Count, l.Amount.ToDecimal())).ToList());
}
