using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Metering;

/// <summary>Holds on priced units: reserve a quantity (1 GPU-hour) at the unit price in force, settle the quantity used
/// at the hold's price version, exactly as token calls are reserved and settled.</summary>
public sealed partial class MeteringService
{
    public async Task<LedgerResult<MeteredHold>> ReserveUnitsAsync(MeterReserveUnitsCommand c, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(c.IdempotencyKey))
            return Invalid<MeteredHold>("idempotency_key is required.");
        if (c.Quantity.Micros <= 0 || c.Quantity.Micros > Quantity.Max.Micros)
            return Invalid<MeteredHold>($"quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
        if (c.Description is { } text && (string.IsNullOrWhiteSpace(text) || text.Length > MaxResourceText))
            return Invalid<MeteredHold>($"description has 1 to {MaxResourceText} characters.");
        if (NormalizeTags(c.Tags, out var tags) is { } tagError)
            return Invalid<MeteredHold>(tagError);
        if (PricedUnitAt(c.Sku, out var failure) is not var (model, price))
            return failure!;
        if (await AccountOfKeyAsync(c.ApiKeyId, ct) is not { } accountId)
            return LedgerResult<MeteredHold>.Fail(LedgerError.NotFound, "No such API key.");

        // Like a token hold, at least one nano-dollar, so every open hold shows in the balance.
        var hold = new Money(Math.Max(1, Pricing.Cost(c.Quantity, price)));
        var result = await ledger.ReserveAsync(new ReserveRequest(accountId, hold,
            MeteringTexts.UnitsHeld(c.Description?.Trim(), model, c.Quantity, price, hold),
            Gateway, c.IdempotencyKey, c.Ttl,
            new MeteredCall(c.ApiKeyId, model.Id, price.Id, 0, 0, tags, c.Quantity.Micros)), ct);
        return result.Value is { } v
            ? LedgerResult<MeteredHold>.Ok(new MeteredHold(v.ReservationId, accountId, v.Held, v.BalanceAfter, v.ExpiresAt, v.Replayed))
            : result.Failure!;
    }

    private sealed record UnitHold(CatalogModel Model, ModelPrice Price);

    /// <summary>The catalog entry and price version of the unit holds among <paramref name="commands"/> that report a
    /// quantity, for their descriptions. One read, and only for quantity settles: token settles stay one round trip.</summary>
    private async Task<IReadOnlyDictionary<long, UnitHold>> UnitHoldsAsync(IEnumerable<MeterSettleCommand> commands, CancellationToken ct)
    {
        var ids = commands.Where(c => c.Quantity is not null).Select(c => c.ReservationId).Distinct().ToList();
        if (ids.Count == 0)
            return new Dictionary<long, UnitHold>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var holds = await db.Reservations.AsNoTracking().Where(r => ids.Contains(r.Id) && r.MaxQuantity != null)
            .Select(r => new { r.Id, r.ModelId, r.PriceId }).ToListAsync(ct);
        var found = new Dictionary<long, UnitHold>();
        foreach (var h in holds)
        {
            var model = catalog.Models.FirstOrDefault(m => m.Model.Id == h.ModelId);
            if (model?.Versions.FirstOrDefault(v => v.Id == h.PriceId) is { } price)
                found[h.Id] = new UnitHold(model.Model, price);
        }
        return found;
    }

    private static SettleRequest ToUnitSettleRequest(MeterSettleCommand c, Quantity used, IReadOnlyDictionary<long, UnitHold> holds)
    {
        var charge = !(c.Status == RequestStatus.Error && used.Micros == 0);
        var outcome = new CallOutcome(default, c.Status, charge, Trim(c.ErrorCode, 64), c.LatencyMs, c.TtfbMs, c.Streaming,
            Trim(c.Provider, 64), Trim(c.ClientIp, 64), Trim(c.UserAgent, 300), c.HttpStatus, used.Micros);
        // Not a unit hold (or unknown): the ledger refuses it, so the text is never written.
        var description = holds.TryGetValue(c.ReservationId, out var h)
            ? MeteringTexts.UnitsSettled(c.ReservationId, h.Model, used, h.Price, charge, c.ErrorCode)
            : $"Hold {c.ReservationId} settled";
        return new SettleRequest(null, c.ReservationId, Money.Zero, description, Gateway, outcome);
    }
}
