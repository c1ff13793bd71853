namespace BillingConsole.Accounting.Coordination;

/// <summary>One entry of the console's distributed cache (<c>distributed_cache</c>): what one instance stores for any
/// instance to read, today a paused Blazor circuit's state. Entries always expire; expired rows are never read and are
/// swept.</summary>
public sealed class CacheEntry
{
    public const string Table = "distributed_cache";

    /// <summary>SHA-256 of the cache key, hex: a fixed width on every provider, and the key itself (a circuit's secret
    /// id) is never stored.</summary>
    public required string Id { get; set; }

    public required byte[] Value { get; set; }

    /// <summary>UTC; the entry is gone from then on.</summary>
    public DateTime ExpiresAt { get; set; }
}
