using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    private static MeterRenewCommand Renew(long reservationId, decimal used, decimal? next = null) =>
        new(reservationId, Q(used), next is { } n ? Q(n) : null, Description: "GPU instance i-7");

    [Fact]
    public async Task Renew_EachCycle_SettlesItAndOpensTheNext_TheLedgerReadsLikeAnInstanceLifecycle()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(20));
        var first = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));

        Clock.Advance(TimeSpan.FromMinutes(10));
        var second = Ok(await Meter.RenewAsync(Renew(first.ReservationId, 1), Ct)); // ran the whole cycle
        var third = Ok(await Meter.RenewAsync(Renew(second.Next.ReservationId, 1.2m, next: 2), Ct)); // overage, then a longer cycle
        var last = Ok(await Meter.SettleAsync(SettleUnits(third.Next.ReservationId, 0.5m), Ct)); // stopped early

        Assert.Equal((0L, 2_691_000_000L), (second.Settled.Settlement.Units, second.Next.Held.Units));
        Assert.Equal((-538_200_000L, 5_382_000_000L), (third.Settled.Settlement.Units, third.Next.Held.Units));
        Assert.Equal(4_036_500_000L, last.Settlement.Units);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var rows = await db.LedgerEntries.Where(e => e.AccountId == account && e.Type != EntryTypes.Topup).OrderBy(e => e.Sequence)
            .Select(e => new { e.Type, e.Amount, e.Description }).ToListAsync(Ct);
        Assert.Equal([EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Reservation, EntryTypes.Settlement],
            rows.Select(r => r.Type));
        Assert.Equal($"GPU instance i-7: hold for 2 GPU-hours of NVIDIA H100 80GB x $2.691/GPU-hour = $5.382 (renews hold {second.Next.ReservationId})", rows[4].Description);
        Assert.Equal(-(2_691_000_000L + 3_229_200_000L + 1_345_500_000L), rows.Sum(r => r.Amount)); // 1 + 1.2 + 0.5 GPU-hours
        var next = await db.Reservations.SingleAsync(r => r.Id == second.Next.ReservationId, Ct);
        Assert.Equal((TimeSpan.FromMinutes(15), 1_000_000L, key), (next.ExpiresAt - next.CreatedAt, next.MaxQuantity!.Value, next.ApiKeyId!.Value));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Renew_SameCycleTwice_ReturnsTheFirstResult_OpensOneHold_AnotherQuantityConflicts()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(20));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-a100-80gb", 1), Ct));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Meter.RenewAsync(Renew(hold.ReservationId, 0.9m), Ct))));
        var other = await Meter.RenewAsync(Renew(hold.ReservationId, 0.8m), Ct);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.Message));
        Assert.Single(results.Select(r => r.Value!.Next.ReservationId).Distinct());
        Assert.Single(results, r => !r.Value!.Replayed);
        Fails(other, LedgerError.IdempotencyConflict);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.Reservations.CountAsync(r => r.AccountId == account, Ct));
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.ReservationId == hold.ReservationId && e.Type == EntryTypes.Settlement, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Renew_NextHoldUnaffordable_IsRefused_AndNothingIsWritten()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(3));
        var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-h100-80gb", 1), Ct));

        Fails(await Meter.RenewAsync(Renew(hold.ReservationId, 1), Ct), LedgerError.InsufficientCredits);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(ReservationStatus.Open, (await db.Reservations.SingleAsync(r => r.Id == hold.ReservationId, Ct)).Status);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
        Assert.Equal(0, await db.RequestRecords.CountAsync(r => r.AccountId == account, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Renew_TokenHoldClosedHoldOrUnknown_IsRefusedAndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(20));
        var tokens = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 100), Ct));
        var settled = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-l40s-48gb", 1), Ct));
        Ok(await Meter.SettleAsync(SettleUnits(settled.ReservationId, 1), Ct));

        Fails(await Meter.RenewAsync(Renew(tokens.ReservationId, 1), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.RenewAsync(Renew(settled.ReservationId, 1), Ct), LedgerError.ReservationClosed);
        Fails(await Meter.RenewAsync(Renew(987_654_321, 1), Ct), LedgerError.NotFound);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(4, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
    }

    [Fact]
    public async Task Renew_RacingExpiryAndSettle_ExactlyOneOutcomePerCycle()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        var writer = Db.Writer(Clock);
        var winners = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            var hold = Ok(await Meter.ReserveUnitsAsync(ReserveUnits(key, "gpu-l40s-48gb", 1), Ct));
            Clock.Advance(TimeSpan.FromMinutes(16)); // past its expiry: the expiry pass competes too

            var renew = Task.Run(() => Meter.RenewAsync(Renew(hold.ReservationId, 1), Ct));
            var settle = Task.Run(() => Meter.SettleAsync(SettleUnits(hold.ReservationId, 0.5m), Ct));
            var expire = Task.Run(() => writer.ReleaseExpiredAsync(ct: Ct));
            await Task.WhenAll(renew, settle, expire);
            var (renewal, settlement) = (await renew, await settle);

            await using var db = await Db.Factory.CreateDbContextAsync(Ct);
            var status = (await db.Reservations.SingleAsync(r => r.Id == hold.ReservationId, Ct)).Status;
            var renewed = await db.LedgerEntries.AnyAsync(e => e.AccountId == account && e.IdempotencyKey == $"renew:{hold.ReservationId}", Ct);
            var outcomes = new[]
            {
                renewal is { Succeeded: true, Value.Replayed: false } ? "renew" : null,
                settlement is { Succeeded: true, Value.Replayed: false } ? "settle" : null,
                status == ReservationStatus.Expired ? "expiry" : null,
            }.OfType<string>().ToList();
            Assert.True(outcomes.Count == 1, $"Round {round}: {string.Join(", ", outcomes)} (renew: {renewal.Failure}, settle: {settlement.Failure})");
            Assert.Equal(outcomes[0] == "renew", renewed);
            Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.ReservationId == hold.ReservationId
                && (e.Type == EntryTypes.Settlement || e.Type == EntryTypes.Release), Ct));
            winners.Add(outcomes[0]);
            // The next cycle's hold (if any) must not outlive the round: settle it so later rounds start clean.
            if (renewal.Value is { } r)
                Ok(await Meter.SettleAsync(SettleUnits(r.Next.ReservationId, 0), Ct));
        }
        await AssertInvariantsHoldAsync(account);
    }
}
