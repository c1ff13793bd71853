using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Metering;

/// <summary>Usage of a priced unit charged without a hold; the account is named by <see cref="ApiKeyId"/> or
/// <see cref="AccountId"/> (one of the two). <see cref="Description"/> names the resource ("Volume vol-7").</summary>
public sealed record MeterUsageCommand(string IdempotencyKey, long? ApiKeyId, long? AccountId, string Sku, Quantity Quantity, string? Description = null);

public sealed record MeteredUsage(long EntryId, long AccountId, string Type, Money Amount, Money BalanceAfter, Money MarketCost, DateTime CreatedAt,
    string Description, string? RefId, bool Replayed);

/// <summary>A hold on <see cref="Quantity"/> of a priced unit (e.g. 1 GPU-hour), instead of token maxima.</summary>
public sealed record MeterReserveUnitsCommand(string IdempotencyKey, long ApiKeyId, string Sku, Quantity Quantity, IReadOnlyList<string>? Tags = null,
    TimeSpan? Ttl = null, string? Description = null);

/// <summary>Ends a priced-unit hold's cycle at <see cref="Used"/> and opens the next one: <see cref="NextQuantity"/>, or the
/// ended hold's quantity. <see cref="IdempotencyKey"/> names the next hold (default <c>renew:{reservation id}</c>, one per cycle).</summary>
public sealed record MeterRenewCommand(long ReservationId, Quantity Used, Quantity? NextQuantity = null, string? IdempotencyKey = null, string? Description = null);

public sealed record MeteredRenewal(MeteredSettlement Settled, MeteredHold Next, bool Replayed);
