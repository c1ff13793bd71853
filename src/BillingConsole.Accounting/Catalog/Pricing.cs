namespace BillingConsole.Accounting.Catalog;

/// <summary>
/// The one rounding rule: a request's cost is the exact sum of tokens × price per million over its three token kinds,
/// divided by one million and rounded down to the nano-dollar, once. The customer is never charged a fraction more
/// than the exact price, and the error is below $0.000000001 a request. The ledger SQL computes the same formula
/// (split into whole and remainder parts so no 64-bit product can overflow), so C# and every database agree.
/// </summary>
public static class Pricing
{
    public const long MaxTokens = 100_000_000;
    public const long MaxPricePerMillion = 100_000L * 1_000_000_000; // $100,000 per million tokens

    public static long Cost(long inputTokens, long outputTokens, long cachedTokens, long inputPrice, long outputPrice, long cachedPrice)
    {
        // Cached tokens are part of the input but billed at the cached rate.
        var uncached = inputTokens - cachedTokens;
        var exact = (Int128)uncached * inputPrice + (Int128)outputTokens * outputPrice + (Int128)cachedTokens * cachedPrice;
        return (long)(exact / 1_000_000);
    }

    public static long Cost(TokenCounts t, ModelPrice p) =>
        Cost(t.Input, t.Output, t.Cached, p.InputPerMillion, p.OutputPerMillion, p.CachedInputPerMillion);

    public static long MarketCost(TokenCounts t, ModelPrice p) =>
        Cost(t.Input, t.Output, t.Cached, p.MarketInputPerMillion, p.MarketOutputPerMillion, p.MarketCachedInputPerMillion);
}

/// <summary>Tokens of one call. <see cref="Cached"/> is the part of <see cref="Input"/> served from the provider's cache.</summary>
public readonly record struct TokenCounts(long Input, long Output, long Cached)
{
    public long Total => Input + Output;
}
