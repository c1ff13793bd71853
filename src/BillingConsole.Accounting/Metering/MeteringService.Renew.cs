using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Metering;

/// <summary>Renewing holds for long-running resources (a GPU instance billed by the hour): each cycle is a hold settled at
/// what was used when the next cycle's hold opens, both in one transaction.</summary>
public sealed partial class MeteringService
{
    public async Task<LedgerResult<MeteredRenewal>> RenewAsync(MeterRenewCommand c, CancellationToken ct = default)
    {
        if (c.Used.Micros < 0 || c.Used.Micros > Quantity.Max.Micros)
            return Invalid<MeteredRenewal>($"quantity is from 0 to {Quantity.Max}, with up to 6 decimals.");
        if (c.NextQuantity is { } n && (n.Micros <= 0 || n.Micros > Quantity.Max.Micros))
            return Invalid<MeteredRenewal>($"next_quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
        if (c.Description is { } text && (string.IsNullOrWhiteSpace(text) || text.Length > MaxResourceText))
            return Invalid<MeteredRenewal>($"description has 1 to {MaxResourceText} characters.");
        if (c.IdempotencyKey is { } key && string.IsNullOrWhiteSpace(key))
            return Invalid<MeteredRenewal>("idempotency_key, when sent, is not blank.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hold = await db.Reservations.AsNoTracking().Where(r => r.Id == c.ReservationId)
            .Select(r => new { r.AccountId, r.ApiKeyId, r.ModelId, r.PriceId, r.MaxQuantity, r.Tags, r.CreatedAt, r.ExpiresAt }).FirstOrDefaultAsync(ct);
        if (hold is null)
            return LedgerResult<MeteredRenewal>.Fail(LedgerError.NotFound, "No such reservation.");
        if (hold.MaxQuantity is not { } heldMicros || hold.ApiKeyId is not { } keyId)
            return Invalid<MeteredRenewal>($"Reservation {c.ReservationId} holds tokens: only a hold on a priced unit (sku, quantity) renews.");
        var model = catalog.Models.FirstOrDefault(m => m.Model.Id == hold.ModelId);
        if (model?.Versions.FirstOrDefault(v => v.Id == hold.PriceId) is not { } heldPrice)
            return Invalid<MeteredRenewal>($"Reservation {c.ReservationId} names a price the catalog does not hold.");
        if (PricedUnitAt(model.Model.Slug, out var unavailable) is not var (_, price))
            return unavailable!;

        var nextQuantity = c.NextQuantity ?? new Quantity(heldMicros);
        var nextHold = new Money(Math.Max(1, Pricing.Cost(nextQuantity, price)));
        var settle = ToUnitSettleRequest(new MeterSettleCommand(c.ReservationId, default, Quantity: c.Used), c.Used,
            new Dictionary<long, UnitHold> { [c.ReservationId] = new(model.Model, heldPrice) });
        var resource = c.Description?.Trim() ?? $"Hold {c.ReservationId} renewed";
        var next = new ReserveRequest(hold.AccountId, nextHold,
            $"{MeteringTexts.UnitsHeld(resource, model.Model, nextQuantity, price, nextHold)} (renews hold {c.ReservationId})",
            Gateway, c.IdempotencyKey ?? $"renew:{c.ReservationId}", CycleOf(hold.CreatedAt, hold.ExpiresAt),
            new MeteredCall(keyId, model.Model.Id, price.Id, 0, 0, hold.Tags, nextQuantity.Micros));
        var result = await ledger.RenewAsync(settle, next, ct);
        if (result.Value is not { } r)
            return result.Failure!;
        var s = r.Settled;
        return LedgerResult<MeteredRenewal>.Ok(new MeteredRenewal(
            new MeteredSettlement(s.ReservationId, s.Cost, s.MarketCost, s.Amount, s.BalanceAfter, settle.Outcome!.Charge, r.Replayed),
            new MeteredHold(r.Next.ReservationId, hold.AccountId, r.Next.Held, r.Next.BalanceAfter, r.Next.ExpiresAt, r.Replayed), r.Replayed));
    }

    /// <summary>The next cycle lasts as long as the ended one was made to, within a hold's longest lifetime (an extended
    /// hold may have outgrown it).</summary>
    private static TimeSpan CycleOf(DateTime createdAt, DateTime expiresAt) =>
        TimeSpan.FromTicks(Math.Clamp((expiresAt - createdAt).Ticks, TimeSpan.TicksPerSecond, LedgerValidation.MaxHoldTtl.Ticks));
}
