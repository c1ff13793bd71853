using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Metering;

public sealed record MeterReserveCommand(string IdempotencyKey, long ApiKeyId, string Model, long MaxInputTokens, long MaxOutputTokens,
    IReadOnlyList<string>? Tags = null, TimeSpan? Ttl = null);

public sealed record MeterSettleCommand(long ReservationId, TokenCounts Tokens, string Status = RequestStatus.Success, string? ErrorCode = null,
    int? LatencyMs = null, int? TtfbMs = null, bool Streaming = false, string? Provider = null, string? ClientIp = null, string? UserAgent = null,
    int? HttpStatus = null, Quantity? Quantity = null);

public sealed record MeteredHold(long ReservationId, long AccountId, Money Held, Money BalanceAfter, DateTime ExpiresAt, bool Replayed);

public sealed record MeteredSettlement(long ReservationId, Money Cost, Money MarketCost, Money Settlement, Money BalanceAfter, bool Charged, bool Replayed);

public sealed record MeteredRelease(long ReservationId, Money Released, Money BalanceAfter, bool Replayed);

/// <summary>A hold as a gateway sees it. <see cref="Status"/> is open, settled, released or expired; a hold settled after
/// its expiry reads settled with <see cref="SettledLate"/> true (its hold was released, then the call was charged).</summary>
public sealed record MeteredHoldView(long ReservationId, long AccountId, long? ApiKeyId, string? Model, string Status, bool SettledLate,
    Money Held, Money? Cost, DateTime CreatedAt, DateTime ExpiresAt, DateTime? ResolvedAt, int? TtlSeconds);
