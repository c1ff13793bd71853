using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

/// <summary>The set-based batch settle (<see cref="ILedgerDialect.ResolveManySql"/>, PostgreSQL): one statement resolves
/// the batch, and what it cannot resolve takes the single path. On a provider without it the same tests hold for the
/// per-hold path, and <see cref="LedgerWriter.SetResolutions"/> stays 0.</summary>
public abstract partial class MeteringConformanceTests
{
    private (LedgerWriter Writer, MeteringService Meter) SetWriter()
    {
        var writer = Db.Writer(Clock);
        return (writer, new MeteringService(writer, Catalog, Db.Factory, Clock));
    }

    private bool HasSetPath => Db.Dialect.ResolveManySql is not null;

    [Fact]
    public async Task SettleMany_InterleavedAccounts_EachAccountsEntriesTakeConsecutiveSequencesInInputOrder()
    {
        var (writer, meter) = SetWriter();
        var customers = new List<(long Account, long Key)>();
        for (var c = 0; c < 3; c++)
            customers.Add(await NewCustomerAsync(Money.FromDollars(10)));
        var holds = new List<(long Account, long Hold)>();
        for (var i = 0; i < 15; i++)
        {
            var (account, key) = customers[i % 3];
            holds.Add((account, Ok(await meter.ReserveAsync(Reserve(key, i % 2 == 0 ? "gpt-4o" : OddModel, 10_000, 2_000), Ct)).ReservationId));
        }
        // Input order is neither the holds' order nor grouped by account: each account's settlements follow it.
        var shuffled = holds.Select((h, i) => (h, i)).OrderBy(x => (x.i * 7) % 15).Select(x => x.h).ToList();
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var before = await db.Accounts.Where(a => customers.Select(c => c.Account).Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => (a.Balance, a.LastSequence), Ct);

        var results = await meter.SettleManyAsync(shuffled.Select((h, i) => Settle(h.Hold, 1_000 + 37 * i, 100 + i)).ToList(), Ct);

        Assert.All(results, r => Assert.False(Ok(r).Replayed));
        Assert.Equal(HasSetPath ? shuffled.Count : 0, writer.SetResolutions);
        foreach (var (account, _) in customers)
        {
            var mine = shuffled.Select((h, i) => (h, i)).Where(x => x.h.Account == account).ToList();
            var entries = await db.LedgerEntries.Where(e => e.AccountId == account && e.Type == EntryTypes.Settlement)
                .OrderBy(e => e.Sequence).ToListAsync(Ct);
            Assert.Equal(mine.Select(x => x.h.Hold), entries.Select(e => e.ReservationId!.Value));
            Assert.Equal(Enumerable.Range(1, mine.Count).Select(k => before[account].LastSequence + k), entries.Select(e => e.Sequence));
            var running = before[account].Balance;
            foreach (var (entry, x) in entries.Zip(mine))
            {
                Assert.Equal(running += entry.Amount, entry.BalanceAfter);
                Assert.Equal(Ok(results[x.i]).BalanceAfter.Units, entry.BalanceAfter);
            }
            // Entry ids follow the sequence, as when each was appended on its own.
            Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
            var rollups = await db.UsageRollups.Where(u => u.AccountId == account).ToListAsync(Ct);
            Assert.Equal(mine.Count, rollups.Sum(u => u.Calls));
            Assert.Equal(mine.Sum(x => Ok(results[x.i]).Cost.Units), rollups.Sum(u => u.Cost));
            Assert.Equal(mine.Sum(x => Ok(results[x.i]).Cost.Units), (await db.ApiKeys.SingleAsync(k => k.AccountId == account, Ct)).SpendCommitted);
        }
        await AssertInvariantsHoldAsync(customers.Select(c => c.Account).ToArray());
    }

    [Fact]
    public async Task SettleMany_SameHoldTwiceAndAClosedOne_TheFirstMentionSettles_TheOthersAreExplained()
    {
        var (writer, meter) = SetWriter();
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var (other, otherKey) = await NewCustomerAsync(Money.FromDollars(10));
        var twice = Ok(await meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct)).ReservationId;
        var released = Ok(await meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct)).ReservationId;
        var neighbour = Ok(await meter.ReserveAsync(Reserve(otherKey, "gpt-4o", 10_000, 2_000), Ct)).ReservationId;
        Ok(await meter.ReleaseAsync(released, "client went away", Ct));

        var results = await meter.SettleManyAsync([
            Settle(twice, 2_000, 100),
            Settle(released, 1_000, 100),
            Settle(twice, 2_000, 100),   // the same call again: the first answer
            Settle(neighbour, 3_000, 300),
            Settle(twice, 5_000, 100),   // the same hold, another call: refused
        ], Ct);

        var first = Ok(results[0]);
        Assert.False(first.Replayed);
        Fails(results[1], LedgerError.ReservationClosed);
        Assert.Equal((first.Cost, first.BalanceAfter, true), (Ok(results[2]).Cost, Ok(results[2]).BalanceAfter, Ok(results[2]).Replayed));
        Assert.False(Ok(results[3]).Replayed);
        Fails(results[4], LedgerError.ReservationClosed);
        Assert.Equal(HasSetPath ? 2 : 0, writer.SetResolutions);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.LedgerEntries.CountAsync(e => e.ReservationId == twice && e.Type == EntryTypes.Settlement, Ct));
        Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.ReservationId == released && e.Type == EntryTypes.Settlement, Ct));
        Assert.Equal(Money.FromDollars(10).Units - first.Cost.Units, (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
        await AssertInvariantsHoldAsync(account, other);
    }

    [Fact]
    public async Task SettleMany_AnExpiredHoldAmongOpenOnes_IsChargedLate_TheOpenOnesSettle()
    {
        var (writer, meter) = SetWriter();
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var expired = Ok(await meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000) with { Ttl = TimeSpan.FromMinutes(1) }, Ct)).ReservationId;
        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await writer.ReleaseExpiredAsync(max: 1_000, ct: Ct) >= 1);
        var open = Ok(await meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000), Ct)).ReservationId;

        var results = await meter.SettleManyAsync([Settle(open, 1_000, 100), Settle(expired, 4_000, 400)], Ct);

        var price = PriceOf("gpt-4o", Clock.GetUtcNow().UtcDateTime);
        var late = Ok(results[1]);
        Assert.Equal((Pricing.Cost(new TokenCounts(4_000, 400, 0), price), -late.Cost.Units), (late.Cost.Units, late.Settlement.Units));
        Assert.False(Ok(results[0]).Replayed);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(ReservationStatus.SettledLate, (await db.Reservations.SingleAsync(r => r.Id == expired, Ct)).Status);
        Assert.Equal(ReservationStatus.Settled, (await db.Reservations.SingleAsync(r => r.Id == open, Ct)).Status);
        // The expiry's record is updated in place, not doubled.
        var record = await db.RequestRecords.SingleAsync(q => q.ReservationId == expired, Ct);
        Assert.Equal((RequestStatus.Success, 4_000L, late.Cost.Units), (record.Status, record.InputTokens, record.Cost));
        Assert.Equal(Money.FromDollars(10).Units - Ok(results[0]).Cost.Units - late.Cost.Units,
            (await db.Accounts.SingleAsync(a => a.Id == account, Ct)).Balance);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task SettleMany_TheSameBatchAgain_ReplaysEveryItem_AndWritesNothing()
    {
        var (writer, meter) = SetWriter();
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var (other, otherKey) = await NewCustomerAsync(Money.FromDollars(10));
        var batch = new List<MeterSettleCommand>();
        for (var i = 0; i < 6; i++)
            batch.Add(Settle(Ok(await meter.ReserveAsync(Reserve(i % 2 == 0 ? key : otherKey, "gpt-4o", 10_000, 2_000), Ct)).ReservationId, 500 + i, 50));
        var first = await meter.SettleManyAsync(batch, Ct);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var entries = await db.LedgerEntries.CountAsync(e => e.AccountId == account || e.AccountId == other, Ct);

        var again = await meter.SettleManyAsync(batch, Ct);

        Assert.All(again, r => Assert.True(Ok(r).Replayed));
        Assert.Equal(first.Select(r => (Ok(r).Cost, Ok(r).BalanceAfter)), again.Select(r => (Ok(r).Cost, Ok(r).BalanceAfter)));
        Assert.Equal(entries, await db.LedgerEntries.CountAsync(e => e.AccountId == account || e.AccountId == other, Ct));
        Assert.Equal(HasSetPath ? 6 : 0, writer.SetResolutions);
        await AssertInvariantsHoldAsync(account, other);
    }

    [Fact]
    public async Task SettleMany_ConcurrentBatches_MergeIntoSharedTransactions_EachCallerGetsItsOwnResults()
    {
        var (writer, meter) = SetWriter();
        var customers = new List<(long Account, long Key)>();
        for (var c = 0; c < 3; c++)
            customers.Add(await NewCustomerAsync(Money.FromDollars(100)));
        // Batches merge only when they arrive while another is writing: a few rounds make that all but certain on any machine.
        for (var round = 0; round < 5 && writer.MergedBatches == 0; round++)
        {
            var batches = new List<List<MeterSettleCommand>>();
            for (var b = 0; b < 8; b++)
            {
                var batch = new List<MeterSettleCommand>();
                for (var i = 0; i < 6; i++)
                    batch.Add(Settle(Ok(await meter.ReserveAsync(Reserve(customers[(b + i) % 3].Key, "gpt-4o", 10_000, 2_000), Ct)).ReservationId,
                        300 + 11 * b + i, 40 + i));
                batches.Add(batch);
            }
            // The same call in two batches: whichever is written first settles it, the other replays that answer.
            batches[7].Add(batches[0][0]);

            var results = await Task.WhenAll(batches.Select(batch => Task.Run(() => meter.SettleManyAsync(batch, Ct))));

            for (var b = 0; b < batches.Count; b++)
            {
                Assert.Equal(batches[b].Count, results[b].Count);
                var price = PriceOf("gpt-4o", Clock.GetUtcNow().UtcDateTime);
                foreach (var (command, result) in batches[b].Zip(results[b]))
                    Assert.Equal(Pricing.Cost(command.Tokens, price), Ok(result).Cost.Units);
            }
            Assert.Equal(1, new[] { results[0][0], results[7][^1] }.Count(r => !Ok(r).Replayed));
            Assert.Equal(batches.Sum(b => b.Count) - 1, results.Sum(r => r.Count(x => !Ok(x).Replayed)));
        }

        Assert.True(writer.MergedBatches > 0, "Eight batches at once never shared a transaction.");
        await AssertInvariantsHoldAsync(customers.Select(c => c.Account).ToArray());
    }
}
