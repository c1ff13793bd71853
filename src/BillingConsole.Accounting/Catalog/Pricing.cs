namespace BillingConsole.Accounting.Catalog;

/// <summary>
/// The one rounding rule: a request's cost is the exact sum of tokens × price per million over its three token kinds,
/// plus quantity in micro-units × price per unit (for priced units: GPU-hours, GB-days, images, seconds), divided by one
/// million and rounded down to the nano-dollar, once. A micro-unit priced per unit and a token priced per million have
/// the same scale, so both are one formula. The customer is never charged a fraction more than the exact price, and the
/// error is below $0.000000001 a request. The ledger SQL computes the same formula (split into whole and remainder
/// parts so no 64-bit product can overflow), so C# and every database agree.
/// </summary>
public static class Pricing
{
    public const long MaxTokens = 100_000_000;
    public const long MaxPricePerMillion = 100_000L * 1_000_000_000; // $100,000 per million tokens

    /// <summary>$1,000 per unit: with <see cref="Quantity.Max"/> each SQL product stays below 10^18.</summary>
    public const long MaxUnitPrice = 1_000L * 1_000_000_000;

    public static long Cost(long inputTokens, long outputTokens, long cachedTokens, long inputPrice, long outputPrice, long cachedPrice,
        long quantityMicros = 0, long unitPrice = 0)
    {
        // Cached tokens are part of the input but billed at the cached rate.
        var uncached = inputTokens - cachedTokens;
        var exact = (Int128)uncached * inputPrice + (Int128)outputTokens * outputPrice + (Int128)cachedTokens * cachedPrice
            + (Int128)quantityMicros * unitPrice;
        return (long)(exact / 1_000_000);
    }

    public static long Cost(TokenCounts t, ModelPrice p) =>
        Cost(t.Input, t.Output, t.Cached, p.InputPerMillion, p.OutputPerMillion, p.CachedInputPerMillion);

    public static long MarketCost(TokenCounts t, ModelPrice p) =>
        Cost(t.Input, t.Output, t.Cached, p.MarketInputPerMillion, p.MarketOutputPerMillion, p.MarketCachedInputPerMillion);

    public static long Cost(Quantity q, ModelPrice p) => Cost(0, 0, 0, 0, 0, 0, q.Micros, p.UnitPrice);

    public static long MarketCost(Quantity q, ModelPrice p) => Cost(0, 0, 0, 0, 0, 0, q.Micros, p.MarketUnitPrice);
}

/// <summary>Tokens of one call. <see cref="Cached"/> is the part of <see cref="Input"/> served from the provider's cache.</summary>
public readonly record struct TokenCounts(long Input, long Output, long Cached)
{
    public long Total => Input + Output;
}
