using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

/// <summary>A hold's lifetime: a long call's hold kept alive, a settle that arrives after the expiry charged anyway
/// (once, at the hold's price version), many holds released together, and a hold read back as its gateway sees it.</summary>
public abstract partial class MeteringConformanceTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private MeterReserveCommand ShortHold(long keyId, string model = "gpt-4o", string? key = null) =>
        Reserve(keyId, model, 10_000, 2_000, key) with { Ttl = Minute };

    private async Task ExpireDueAsync()
    {
        while (await Db.Writer(Clock).ReleaseExpiredAsync(ct: Ct) > 0) { }
    }

    [Fact]
    public async Task LateSettle_AfterTheHoldExpired_ChargesTheRealCostOnce_AtTheHoldsPriceVersion()
    {
        // Reserved just before the second price version takes effect, settled after it: the first version prices it.
        Clock.SetUtcNow(new DateTimeOffset(SecondVersionFrom.AddSeconds(-30)));
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key, OddModel), Ct));
        var firstPrice = PriceOf(OddModel, Clock.GetUtcNow().UtcDateTime);
        Clock.Advance(TimeSpan.FromMinutes(2));
        await ExpireDueAsync();

        var call = Settle(hold.ReservationId, 7_001, 1_234, 1_000) with { HttpStatus = 200 };
        var late = Ok(await Meter.SettleAsync(call, Ct));

        var cost = Pricing.Cost(call.Tokens, firstPrice);
        Assert.NotEqual(cost, Pricing.Cost(call.Tokens, PriceOf(OddModel, Clock.GetUtcNow().UtcDateTime)));
        Assert.Equal((cost, -cost, Money.FromDollars(10).Units - cost, false), (late.Cost.Units, late.Settlement.Units, late.BalanceAfter.Units, late.Replayed));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var entries = await db.LedgerEntries.Where(e => e.ReservationId == hold.ReservationId).OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal([(EntryTypes.Reservation, -hold.Held.Units), (EntryTypes.Release, hold.Held.Units), (EntryTypes.UsageDebit, -cost)],
            entries.Select(e => (e.Type, e.Amount)));
        Assert.Contains($"hold {hold.ReservationId}", entries[2].Description);
        var record = await db.RequestRecords.SingleAsync(q => q.ReservationId == hold.ReservationId, Ct);
        Assert.Equal((RequestStatus.Success, 7_001L, 1_234L, 1_000L, cost, (int?)200, firstPrice.Id),
            (record.Status, record.InputTokens, record.OutputTokens, record.CachedTokens, record.Cost, record.HttpStatus, record.PriceId));
        var rollup = await db.UsageRollups.SingleAsync(u => u.AccountId == account, Ct);
        Assert.Equal((1L, cost), (rollup.Calls, rollup.Cost));
        Assert.Equal(ReservationStatus.SettledLate, (await db.Reservations.SingleAsync(r => r.Id == hold.ReservationId, Ct)).Status);
        await AssertInvariantsHoldAsync(account);

        // Idempotent like a settle: the same call again is the first answer; another outcome is a conflict; nothing is written.
        var again = Ok(await Meter.SettleAsync(call, Ct));
        Assert.Equal((late.Cost, late.Settlement, late.BalanceAfter, true), (again.Cost, again.Settlement, again.BalanceAfter, again.Replayed));
        Fails(await Meter.SettleAsync(call with { Tokens = new TokenCounts(9, 9, 0) }, Ct), LedgerError.ReservationClosed);
        Fails(await Meter.ReleaseAsync(hold.ReservationId, "too late", Ct), LedgerError.ReservationClosed);
        Assert.Equal(3, await db.LedgerEntries.CountAsync(e => e.ReservationId == hold.ReservationId, Ct));
        Assert.Equal(Money.FromDollars(10).Units - cost, (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
    }

    [Fact]
    public async Task LateSettle_OfACallThatCostsNothing_WritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await ExpireDueAsync();

        var failed = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 500, 0, status: RequestStatus.Error), Ct));

        Assert.Equal((0L, 0L, Money.FromDollars(10).Units), (failed.Cost.Units, failed.Settlement.Units, failed.BalanceAfter.Units));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.ReservationId == hold.ReservationId, Ct));
        Assert.Equal(RequestStatus.Expired, (await db.RequestRecords.SingleAsync(q => q.ReservationId == hold.ReservationId, Ct)).Status);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task LateSettle_OnAClosedAccount_IsRefused_AndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await ExpireDueAsync();
        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE accounts SET status = 'closed' WHERE id = {account}"));

        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000, 100), Ct), LedgerError.AccountClosed);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.ReservationId == hold.ReservationId, Ct));
    }

    [Fact]
    public async Task SettleRacingTheExpiry_ChargesTheCallExactlyOnce()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(50));
        var holds = new List<MeteredHold>();
        for (var i = 0; i < 16; i++)
            holds.Add(Ok(await Meter.ReserveAsync(ShortHold(key), Ct)));
        Clock.Advance(TimeSpan.FromMinutes(2));

        var calls = holds.Select((h, i) => Settle(h.ReservationId, 1_000 + i, 100 + i)).ToList();
        var settles = calls.Select(c => Task.Run(() => Meter.SettleAsync(c, Ct)));
        var expiry = Task.Run(ExpireDueAsync, Ct);
        var results = await Task.WhenAll(settles);
        await expiry;

        var price = PriceOf("gpt-4o", Clock.GetUtcNow().UtcDateTime);
        var charged = calls.Sum(c => Pricing.Cost(c.Tokens, price));
        Assert.All(results, r => Ok(r));
        Assert.Equal(charged, results.Sum(r => r.Value!.Cost.Units));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(Money.FromDollars(50).Units - charged, (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
        Assert.Equal(holds.Count, await db.RequestRecords.CountAsync(q => q.AccountId == account && q.Status == RequestStatus.Success, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Extend_AnOpenHold_KeepsItAlive_PastItsFirstExpiry()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Clock.Advance(TimeSpan.FromSeconds(50));

        var extended = Ok(await Meter.ExtendAsync(hold.ReservationId, TimeSpan.FromMinutes(10), Ct));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(10), extended.ExpiresAt);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await ExpireDueAsync();

        var view = await Meter.FindReservationAsync(hold.ReservationId, Ct);
        Assert.Equal((ReservationStatus.Open, extended.ExpiresAt, (Money?)null), (view!.Status, view.ExpiresAt, view.Cost));
        var settled = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000, 100), Ct));
        Assert.True(settled.Settlement.Units > 0);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Extend_ClosedUnknownOrOutOfRange_IsRefused_AndChangesNothing()
    {
        var (_, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Fails(await Meter.ExtendAsync(hold.ReservationId, TimeSpan.Zero, Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ExtendAsync(hold.ReservationId, TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1), Ct), LedgerError.InvalidRequest);
        Fails(await Meter.ExtendAsync(long.MaxValue - 7, Minute, Ct), LedgerError.NotFound);
        Ok(await Meter.ReleaseAsync(hold.ReservationId, null, Ct));

        Fails(await Meter.ExtendAsync(hold.ReservationId, Minute, Ct), LedgerError.ReservationClosed);

        Assert.Equal(hold.ExpiresAt, (await Meter.FindReservationAsync(hold.ReservationId, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task ExtendRacingTheExpiry_EachHoldEndsOneWay()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(50));
        var holds = new List<MeteredHold>();
        for (var i = 0; i < 16; i++)
            holds.Add(Ok(await Meter.ReserveAsync(ShortHold(key), Ct)));
        Clock.Advance(TimeSpan.FromMinutes(2));

        var extends = holds.Select(h => Task.Run(() => Meter.ExtendAsync(h.ReservationId, TimeSpan.FromHours(1), Ct)));
        var expiry = Task.Run(ExpireDueAsync, Ct);
        var results = await Task.WhenAll(extends);
        await expiry;

        for (var i = 0; i < holds.Count; i++)
        {
            var view = await Meter.FindReservationAsync(holds[i].ReservationId, Ct);
            if (results[i].Succeeded)
                Assert.Equal((ReservationStatus.Open, results[i].Value!.ExpiresAt), (view!.Status, view.ExpiresAt));
            else
                Assert.Equal((LedgerError.ReservationClosed, ReservationStatus.Expired), (results[i].Failure!.Error, view!.Status));
        }
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task ReserveRetry_AfterAnExtension_IsStillTheSameRequest()
    {
        var (_, key) = await NewCustomerAsync(Money.FromDollars(10));
        var command = ShortHold(key, key: "retry-after-extend");
        var hold = Ok(await Meter.ReserveAsync(command, Ct));
        Ok(await Meter.ExtendAsync(hold.ReservationId, TimeSpan.FromHours(2), Ct));

        var again = Ok(await Meter.ReserveAsync(command, Ct));

        Assert.Equal((hold.ReservationId, true), (again.ReservationId, again.Replayed));
        Fails(await Meter.ReserveAsync(command with { Ttl = TimeSpan.FromHours(2) }, Ct), LedgerError.IdempotencyConflict);
    }

    [Fact]
    public async Task ReleaseMany_MixedItems_EachSucceedsOrFailsOnItsOwn()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var open = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var settled = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var alsoOpen = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Ok(await Meter.SettleAsync(Settle(settled.ReservationId, 100, 10), Ct));

        var results = await Meter.ReleaseManyAsync([(open.ReservationId, "client went away"), (settled.ReservationId, null),
            (long.MaxValue - 3, null), (alsoOpen.ReservationId, null), (open.ReservationId, "client went away")], Ct);

        Assert.Equal(open.Held, Ok(results[0]).Released);
        Fails(results[1], LedgerError.ReservationClosed);
        Fails(results[2], LedgerError.NotFound);
        Assert.Equal(alsoOpen.Held, Ok(results[3]).Released);
        Assert.True(Ok(results[4]).Replayed);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var release = await db.LedgerEntries.SingleAsync(e => e.ReservationId == open.ReservationId && e.Type == EntryTypes.Release, Ct);
        Assert.Contains("client went away", release.Description);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task FindReservation_ReadsEachStatusAsTheGatewaySeesIt()
    {
        var (_, key) = await NewCustomerAsync(Money.FromDollars(10));
        var open = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var settled = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var released = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var expired = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var late = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        var cost = Ok(await Meter.SettleAsync(Settle(settled.ReservationId, 100, 10), Ct)).Cost;
        Ok(await Meter.ReleaseAsync(released.ReservationId, null, Ct));
        Ok(await Meter.ExtendAsync(open.ReservationId, TimeSpan.FromHours(1), Ct));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await ExpireDueAsync();
        var lateCost = Ok(await Meter.SettleAsync(Settle(late.ReservationId, 300, 30), Ct)).Cost;

        async Task<(string, bool, Money?)> Seen(MeteredHold h)
        {
            var v = (await Meter.FindReservationAsync(h.ReservationId, Ct))!;
            Assert.Equal((h.Held, "gpt-4o", (int?)60), (v.Held, v.Model, v.TtlSeconds));
            return (v.Status, v.SettledLate, v.Cost);
        }
        Assert.Equal((ReservationStatus.Open, false, (Money?)null), await Seen(open));
        Assert.Equal((ReservationStatus.Settled, false, (Money?)cost), await Seen(settled));
        Assert.Equal((ReservationStatus.Released, false, (Money?)Money.Zero), await Seen(released));
        Assert.Equal((ReservationStatus.Expired, false, (Money?)Money.Zero), await Seen(expired));
        Assert.Equal((ReservationStatus.Settled, true, (Money?)lateCost), await Seen(late));
        Assert.Null(await Meter.FindReservationAsync(long.MaxValue - 11, Ct));
    }

    [Fact]
    public async Task Checker_ALateChargeOnAHoldThatClaimsOnlyToHaveExpired_IsReported()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var hold = Ok(await Meter.ReserveAsync(ShortHold(key), Ct));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await ExpireDueAsync();
        Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000, 100), Ct));
        await AssertInvariantsHoldAsync(account);

        Assert.Equal(1, await Db.ExecuteSqlAsync($"UPDATE reservations SET status = 'expired' WHERE id = {hold.ReservationId}"));

        var run = await new Invariants.InvariantChecker(Db.Factory, Clock).RunAsync(Invariants.InvariantCheckMode.Full, [account], Ct);
        Assert.Contains(run.Violations, v => v.Kind == "hold_late_charge_mismatch");
    }
}
