using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    private const string OddUnit = "test-odd-unit";

    private static MeterReserveUnitsCommand ReserveUnits(long keyId, string sku, decimal quantity, string? key = null) =>
        new(key ?? Guid.NewGuid().ToString("N"), keyId, sku, Q(quantity), Description: "GPU instance i-7");

    private static Quantity Q(decimal units) => units == 0 ? default : Quantity.TryFromDecimal(units, out var q) ? q : throw new ArgumentException(null, nameof(units));

    private static MeterSettleCommand SettleUnits(long reservationId, decimal used) =>
        new(reservationId, default, RequestStatus.Success, null, null, null, false, "gpu-cloud", null, null, Quantity: Q(used));

    [Fact]
    public async Task ReserveUnits_ThenSettleLess_RefundsTheUnusedPart_AndRecordsTheQuantity()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));
        Assert.Equal(2_691_000_000L, hold.Held.Units);

        var settled = Ok(await Meter.SettleAsync(SettleUnits(hold.ReservationId, 0.75m), Ct));

        Assert.Equal((2_018_250_000L, 2_242_500_000L, 672_750_000L), (settled.Cost.Units, settled.MarketCost.Units, settled.Settlement.Units));
        Assert.Equal(Money.FromDollars(10) - settled.Cost, settled.BalanceAfter);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var entries = await db.LedgerEntries.Where(e => e.ReservationId == hold.ReservationId).OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal("GPU instance i-7: hold for 1 GPU-hour of NVIDIA H100 80GB x $2.691/GPU-hour = $2.691", entries[0].Description);
        Assert.Equal($"Hold {hold.ReservationId} settled: 0.75 GPU-hours of NVIDIA H100 80GB x $2.691/GPU-hour = $2.01825", entries[1].Description);
        var record = await db.RequestRecords.SingleAsync(r => r.ReservationId == hold.ReservationId, Ct);
        Assert.Equal((750_000L, 0L, 0L, 2_018_250_000L), (record.Quantity, record.InputTokens, record.OutputTokens, record.Cost));
        var rollup = await db.UsageRollups.SingleAsync(u => u.AccountId == account, Ct);
        Assert.Equal((1L, 750_000L, 0L), (rollup.Calls, rollup.Quantity, rollup.InputTokens));
        Assert.Equal(1_000_000L, (await db.Reservations.SingleAsync(r => r.Id == hold.ReservationId, Ct)).MaxQuantity);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task SettleUnits_MoreThanHeld_ChargesTheOverageEvenBelowTheFloor()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(3));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));

        var settled = Ok(await Meter.SettleAsync(SettleUnits(hold.ReservationId, 2), Ct));

        Assert.Equal((-2_691_000_000L, 3_000_000_000L - 5_382_000_000L), (settled.Settlement.Units, settled.BalanceAfter.Units));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Settle_WrongShape_IsInvalid_WritesNothing_AndTheHoldStaysOpen()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var unitHold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-l40s-48gb", 2), Ct));
        var tokenHold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 100), Ct));

        Fails(await Meter.SettleAsync(Settle(unitHold.ReservationId, 100, 10), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.SettleAsync(SettleUnits(tokenHold.ReservationId, 1), Ct), LedgerError.InvalidRequest);
        var batch = await Meter.SettleManyAsync([Settle(unitHold.ReservationId, 1, 1), SettleUnits(tokenHold.ReservationId, 1)], Ct);
        Assert.All(batch, r => Fails(r, LedgerError.InvalidRequest));

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.Reservations.CountAsync(r => r.AccountId == account && r.Status == ReservationStatus.Open, Ct));
        Assert.Equal(3, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
        Ok(await Meter.SettleAsync(SettleUnits(unitHold.ReservationId, 2), Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task ReserveUnits_BadInput_IsRefusedAndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));

        Fails(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-z9000", 1), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpt-4o", 1), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveUnitsAsync(new MeterReserveUnitsCommand("k", key, "gpu-h100-80gb", default), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1) with { IdempotencyKey = " " }, Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ReserveUnitsAsync(ReserveUnits(987_654_321, "gpu-h100-80gb", 1), Ct), LedgerError.NotFound);
        Fails(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-b200-180gb", 3), Ct), LedgerError.InsufficientCredits);
        Fails(await Meter.ReserveAsync(Reserve(key, "gpu-h100-80gb", 10, 10), Ct), LedgerError.InvalidRequest);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
    }

    [Fact]
    public async Task SettleUnits_LargestQuantityAtAnOddUnitPrice_SqlRoundsDownAsCodeDoes()
    {
        var (account, key) = await NewCustomerAsync(Money.Max);
        await EnsureOddUnitAsync();
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, OddUnit, 1), Ct));
        var largest = new Quantity(Quantity.Max.Micros - 1);

        var settled = Ok(await Meter.SettleAsync(SettleUnits(hold.ReservationId, largest.ToDecimal()), Ct));

        var exact = (Quantity.Max.Micros - 1) * (decimal)(Pricing.MaxUnitPrice - 1) / 1_000_000m;
        Assert.Equal((long)decimal.Floor(exact), settled.Cost.Units);
        Assert.Equal(Pricing.Cost(largest, PriceOf(OddUnit, Clock.GetUtcNow().UtcDateTime)), settled.Cost.Units);
        await AssertInvariantsHoldAsync(account);
    }

    /// <summary>A unit priced $999.999999999, one nano-dollar below the largest unit price, so every SQL part is non-zero.</summary>
    private async Task EnsureOddUnitAsync()
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        if (!await db.CatalogModels.AnyAsync(m => m.Slug == OddUnit, Ct))
        {
            var model = new CatalogModel { Provider = "test", Slug = OddUnit, DisplayName = "Odd unit", Type = ModelTypes.Compute, Unit = PriceUnits.GpuHour };
            db.CatalogModels.Add(model);
            await db.SaveChangesAsync(Ct);
            db.ModelPrices.Add(new ModelPrice
            {
                ModelId = model.Id, EffectiveFrom = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                UnitPrice = Pricing.MaxUnitPrice - 1, MarketUnitPrice = Pricing.MaxUnitPrice,
            });
            await db.SaveChangesAsync(Ct);
        }
        await Catalog.ReloadAsync(Ct);
    }
}
