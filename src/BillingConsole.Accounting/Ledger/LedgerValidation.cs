using BillingConsole.Accounting.Catalog;

namespace BillingConsole.Accounting.Ledger;

/// <summary>Input checks shared by every write; a failure here means nothing reaches the database.</summary>
internal static class LedgerValidation
{
    public static readonly TimeSpan DefaultHoldTtl = LedgerLimits.DefaultHoldTtl;
    public static readonly TimeSpan MaxHoldTtl = TimeSpan.FromDays(1);

    public static LedgerFailure? Check(PostRequest r)
    {
        if (!EntryTypes.TryGet(r.Type, out var rule))
            return Invalid($"Unknown entry type '{r.Type}'.");
        if (EntryTypes.IsHoldType(r.Type))
            return Invalid($"'{r.Type}' entries are written only by reserve, settle and release.");
        if (r.Amount.Units == 0)
            return Invalid("The amount must not be zero.");
        if (rule.Sign == AmountSign.Positive && r.Amount.IsNegative)
            return Invalid($"A {r.Type} entry must be positive.");
        if (rule.Sign == AmountSign.Negative && !r.Amount.IsNegative)
            return Invalid($"A {r.Type} entry must be negative.");
        if (r.Amount > Money.Max || r.Amount < -Money.Max)
            return Invalid("The amount exceeds $1,000,000,000.");
        if (r.RefId is { Length: > LedgerLimits.RefIdLength })
            return Invalid($"The reference is longer than {LedgerLimits.RefIdLength} characters.");
        return CheckCommon(r.AccountId, r.Description, r.Origin, r.IdempotencyKey);
    }

    public static LedgerFailure? Check(ReserveRequest r)
    {
        if (r.Hold.Units <= 0)
            return Invalid("The hold must be positive.");
        if (r.Hold > Money.Max)
            return Invalid("The hold exceeds $1,000,000,000.");
        if (r.Call is { } call && (call.MaxInputTokens is < 0 or > Pricing.MaxTokens || call.MaxOutputTokens is < 0 or > Pricing.MaxTokens))
            return Invalid($"Token counts are whole numbers from 0 to {Pricing.MaxTokens:N0}.");
        if (r.Call?.MaxQuantity is <= 0 || r.Call?.MaxQuantity > Quantity.Max.Micros)
            return Invalid($"A quantity is above 0 and at most {Quantity.Max}.");
        if (r.Ttl is { } ttl && (ttl <= TimeSpan.Zero || ttl > MaxHoldTtl))
            return Invalid("A hold lasts between one second and one day.");
        return CheckCommon(r.AccountId, r.Description, r.Origin, r.IdempotencyKey);
    }

    public static LedgerFailure? Check(SettleRequest r)
    {
        if (r.Cost.IsNegative)
            return Invalid("The cost must not be negative.");
        if (r.Cost > Money.Max)
            return Invalid("The cost exceeds $1,000,000,000.");
        if (r.Outcome is { } o && CheckOutcome(o) is { } bad)
            return bad;
        return r.ReservationId <= 0 ? NotFound() : CheckCommon(r.AccountId ?? long.MaxValue, r.Description, r.Origin, null);
    }

    public static LedgerFailure? Check(ReleaseRequest r) =>
        r.ReservationId <= 0 ? NotFound()
        : r.Outcome is { } o && CheckOutcome(o) is { } bad ? bad
        : CheckCommon(r.AccountId ?? long.MaxValue, r.Description, r.Origin, null);

    private static LedgerFailure? CheckOutcome(CallOutcome o)
    {
        var t = o.Tokens;
        if (t.Input is < 0 or > Pricing.MaxTokens || t.Output is < 0 or > Pricing.MaxTokens || t.Cached is < 0 or > Pricing.MaxTokens)
            return Invalid($"Token counts are whole numbers from 0 to {Pricing.MaxTokens:N0}.");
        if (o.Quantity is < 0 || o.Quantity > Quantity.Max.Micros)
            return Invalid($"A quantity is from 0 to {Quantity.Max}.");
        if (o.Quantity is not null && t != default)
            return Invalid("A call reports tokens or a quantity, not both.");
        if (t.Cached > t.Input)
            return Invalid("Cached tokens are part of the input tokens and cannot exceed them.");
        if (o.LatencyMs is < 0 || o.TtfbMs is < 0)
            return Invalid("Latencies cannot be negative.");
        if (o.HttpStatus is < 100 or > 599)
            return Invalid("http_status is an HTTP status code from 100 to 599.");
        return null;
    }

    private static LedgerFailure? CheckCommon(long accountId, string description, Origin origin, string? idempotencyKey)
    {
        if (accountId <= 0)
            return new LedgerFailure(LedgerError.NotFound, "No such account.");
        if (string.IsNullOrWhiteSpace(description))
            return Invalid("A description is required.");
        if (description.Length > LedgerLimits.DescriptionLength)
            return Invalid($"The description is longer than {LedgerLimits.DescriptionLength} characters.");
        if (!EntrySources.All.Contains(origin.Source))
            return Invalid($"Unknown source '{origin.Source}'.");
        if (string.IsNullOrWhiteSpace(origin.Actor) || origin.Actor.Length > LedgerLimits.ActorLength)
            return Invalid("An actor of at most 128 characters is required.");
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > LedgerLimits.IdempotencyKeyLength))
            return Invalid($"An idempotency key has 1 to {LedgerLimits.IdempotencyKeyLength} characters.");
        return null;
    }

    private static LedgerFailure Invalid(string message) => new(LedgerError.InvalidRequest, message);

    private static LedgerFailure NotFound() => new(LedgerError.NotFound, "No such reservation.");
}
