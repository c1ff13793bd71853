using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

/// <summary>Settling many calls together: the same result per call as settling them one by one.</summary>
public abstract partial class MeteringConformanceTests
{
    [Fact]
    public async Task SettleMany_AcrossAccounts_ChargesEachCallAsASingleSettleWould()
    {
        var customers = new List<(long Account, long Key)>();
        for (var c = 0; c < 3; c++)
            customers.Add(await NewCustomerAsync(Money.FromDollars(10)));
        var holds = new List<(long Account, MeteredHold Hold)>();
        for (var i = 0; i < 12; i++)
        {
            var (account, key) = customers[i % 3];
            holds.Add((account, Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct))));
        }

        var commands = holds.Select((h, i) => Settle(h.Hold.ReservationId, 1_000 + i * 100, 200 + i)).ToList();
        var results = await Meter.SettleManyAsync(commands, Ct);

        var price = PriceOf("gpt-4o", Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(holds.Count, results.Count);
        for (var i = 0; i < holds.Count; i++)
        {
            var settled = Ok(results[i]);
            Assert.Equal(holds[i].Hold.ReservationId, settled.ReservationId);
            Assert.Equal(Pricing.Cost(commands[i].Tokens, price), settled.Cost.Units);
            Assert.False(settled.Replayed);
        }
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        foreach (var (account, _) in customers)
        {
            var charged = holds.Select((h, i) => (h, i)).Where(x => x.h.Account == account).Sum(x => Pricing.Cost(commands[x.i].Tokens, price));
            Assert.Equal(Money.FromDollars(10).Units - charged, (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
            Assert.Equal(4, await db.RequestRecords.CountAsync(r => r.AccountId == account, Ct));
            Assert.Equal(charged, (await db.ApiKeys.SingleAsync(k => k.AccountId == account, Ct)).SpendCommitted);
        }
        // Each settlement's Balance After is the running balance of its own account, in sequence order.
        foreach (var h in holds.GroupBy(h => h.Account))
        {
            var entries = await db.LedgerEntries.Where(e => e.AccountId == h.Key).OrderBy(e => e.Sequence).ToListAsync(Ct);
            var running = 0L;
            Assert.All(entries, e => Assert.Equal(running += e.Amount, e.BalanceAfter));
        }
        await AssertInvariantsHoldAsync(customers.Select(c => c.Account).ToArray());
    }

    [Fact]
    public async Task SettleMany_MixedItems_EachSucceedsOrFailsOnItsOwn()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var first = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct));
        var closed = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct));
        var last = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct));
        Ok(await Meter.ReleaseAsync(closed.ReservationId, "client went away", Ct));

        var results = await Meter.SettleManyAsync([
            Settle(first.ReservationId, 1_000, 100),
            Settle(closed.ReservationId, 1_000, 100),
            Settle(first.ReservationId, 1_000, 100),              // the same call twice: a replay
            Settle(first.ReservationId, 9_000, 100),              // the same hold with other tokens: a conflict
            Settle(987_654_321, 1_000, 100),                      // no such hold
            Settle(last.ReservationId, 1_000, 100, status: "maybe"),
            Settle(last.ReservationId, 2_000, 300),
        ], Ct);

        Assert.False(Ok(results[0]).Replayed);
        Fails(results[1], LedgerError.ReservationClosed);
        Assert.True(Ok(results[2]).Replayed);
        Assert.Equal(Ok(results[0]).BalanceAfter, Ok(results[2]).BalanceAfter);
        Fails(results[3], LedgerError.ReservationClosed);
        Fails(results[4], LedgerError.NotFound);
        Fails(results[5], LedgerError.InvalidRequest);
        Assert.False(Ok(results[6]).Replayed);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.AccountId == account && e.Type == EntryTypes.Settlement, Ct));
        Assert.Equal(3, await db.RequestRecords.CountAsync(r => r.AccountId == account, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task SettleMany_ConcurrentBatchesOverTheSameAccounts_InOppositeOrders_AllSettle()
    {
        var customers = new List<(long Account, long Key)>();
        for (var c = 0; c < 4; c++)
            customers.Add(await NewCustomerAsync(Money.FromDollars(100)));
        var holds = new List<long>();
        for (var i = 0; i < 80; i++)
            holds.Add(Ok(await Meter.ReserveAsync(Reserve(customers[i % 4].Key, "gpt-4o", 1_000, 1_000), Ct)).ReservationId);
        // Two batches interleave accounts in opposite orders; a third repeats half of the first (replays or waits).
        var forward = holds.Take(40).Select(id => Settle(id, 500, 50)).ToList();
        var backward = holds.Skip(40).Reverse().Select(id => Settle(id, 500, 50)).ToList();
        var repeated = holds.Take(20).Reverse().Select(id => Settle(id, 500, 50)).ToList();

        var outcomes = await Task.WhenAll(
            Task.Run(() => Meter.SettleManyAsync(forward, Ct), Ct),
            Task.Run(() => Meter.SettleManyAsync(backward, Ct), Ct),
            Task.Run(() => Meter.SettleManyAsync(repeated, Ct), Ct));

        Assert.All(outcomes.SelectMany(o => o), r => Ok(r));
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var accounts = customers.Select(c => c.Account).ToList();
        Assert.Equal(80, await db.LedgerEntries.CountAsync(e => accounts.Contains(e.AccountId) && e.Type == EntryTypes.Settlement, Ct));
        Assert.Equal(20, outcomes[0].Take(20).Concat(outcomes[2]).Count(r => r.Value!.Replayed));
        await AssertInvariantsHoldAsync(accounts.ToArray());
    }

    [Fact]
    public async Task ReleaseExpired_ReleasesManyHoldsTogether_AndTheirKeysGetTheirSpendBack()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        for (var i = 0; i < LedgerWriter.ResolutionsPerTransaction + 5; i++)
            Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 1_000, 100), Ct));
        Clock.Advance(TimeSpan.FromHours(2));

        // The pass releases every account's expired holds (other tests' too, on this shared database).
        Assert.InRange(await Db.Writer(Clock).ReleaseExpiredAsync(max: 1_000, ct: Ct), LedgerWriter.ResolutionsPerTransaction + 5, 1_000);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(LedgerWriter.ResolutionsPerTransaction + 5,
            await db.Reservations.CountAsync(r => r.AccountId == account && r.Status == ReservationStatus.Expired, Ct));
        Assert.Equal(Money.FromDollars(10).Units, (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
        Assert.Equal(0, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        Assert.Equal(0, await Db.Writer(Clock).ReleaseExpiredAsync(max: 1_000, ct: Ct));
        await AssertInvariantsHoldAsync(account);
    }
}
