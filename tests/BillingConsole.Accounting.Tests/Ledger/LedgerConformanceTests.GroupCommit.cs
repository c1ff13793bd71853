using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Ledger;

public abstract partial class LedgerConformanceTests
{
    [Fact]
    public async Task GroupCommit_ConcurrentMixedOperations_EachCallerGetsItsOwnOutcome()
    {
        var writer = Ledger; // one writer, so its grouped-write count covers every operation below
        var floorBound = await NewAccountAsync(Cents(105));
        var credited = await NewAccountAsync();
        var keyed = await NewAccountAsync(Dollars(50));
        var first = Ok(await writer.PostAsync(Credit(keyed, Dollars(1), "replayed"), Ct));
        Ok(await writer.PostAsync(Credit(keyed, Dollars(2), "conflicting"), Ct));
        var holds = new List<long>();
        for (var i = 0; i < 10; i++)
            holds.Add(Ok(await writer.ReserveAsync(Hold(keyed, Cents(50)), Ct)).ReservationId);

        using var gate = new ManualResetEventSlim();
        Task<T> AtGate<T>(Func<Task<T>> write) => OnOwnThread(gate, write);
        var reserves = Enumerable.Range(0, 30).Select(i => AtGate(() => writer.ReserveAsync(Hold(floorBound, Cents(10), $"floor-{i}"), Ct))).ToList();
        var credits = Enumerable.Range(0, 20).Select(i => AtGate(() => writer.PostAsync(Credit(credited, Cents(3), $"credit-{i}"), Ct))).ToList();
        var replays = Enumerable.Range(0, 10).Select(_ => AtGate(() => writer.PostAsync(Credit(keyed, Dollars(1), "replayed"), Ct))).ToList();
        var conflicts = Enumerable.Range(0, 10).Select(_ => AtGate(() => writer.PostAsync(Credit(keyed, Dollars(3), "conflicting"), Ct))).ToList();
        var settles = holds.Select(h => AtGate(() => writer.SettleAsync(Settle(keyed, h, Cents(20)), Ct))).ToList();
        gate.Set();
        await Task.WhenAll(reserves.Cast<Task>().Concat(credits).Concat(replays).Concat(conflicts).Concat(settles));

        Assert.Equal(10, reserves.Count(t => t.Result.Succeeded));
        Assert.All(reserves.Where(t => !t.Result.Succeeded), t => Assert.Equal(LedgerError.InsufficientCredits, t.Result.Failure!.Error));
        Assert.All(credits, t => Assert.False(Ok(t.Result).Replayed));
        Assert.Equal(20, credits.Select(t => t.Result.Value!.EntryId).Distinct().Count());
        Assert.All(replays, t => Assert.Equal((first.EntryId, true), (Ok(t.Result).EntryId, t.Result.Value!.Replayed)));
        Assert.All(conflicts, t => Fails(t.Result, LedgerError.IdempotencyConflict));
        Assert.All(settles, t => Assert.Equal(Cents(30), Ok(t.Result).Amount));
        Assert.True(writer.GroupedWrites > 0, "No write was committed in a group: the test did not exercise group commit.");

        Assert.Equal(Cents(5).Units, (await StateAsync(floorBound)).Balance);
        Assert.Equal((Cents(60).Units, 20L), ((await StateAsync(credited)).Balance, (await StateAsync(credited)).Entries));
        Assert.Equal((Dollars(53) - Cents(20 * 10)).Units, (await StateAsync(keyed)).Balance);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.AccountId == keyed && e.IdempotencyKey != null, Ct));
        await AssertInvariantsHoldAsync(floorBound, credited, keyed);
    }

    [Fact]
    public async Task GroupCommit_GroupWithoutRefusals_EveryWriteCommittedOnce()
    {
        // Only writes that succeed: on SQLite such a group runs without savepoints, so this checks that path's entries.
        var writer = Ledger;
        var accounts = new List<long>();
        for (var i = 0; i < 4; i++)
            accounts.Add(await NewAccountAsync(Dollars(10)));
        using var gate = new ManualResetEventSlim();
        var pairs = Enumerable.Range(0, 40).Select(i => OnOwnThread(gate, async () =>
        {
            var account = accounts[i % accounts.Count];
            var hold = Ok(await writer.ReserveAsync(Hold(account, Cents(40), $"pair-{i}"), Ct));
            return Ok(await writer.SettleAsync(Settle(account, hold.ReservationId, Cents(25)), Ct));
        })).ToList();
        gate.Set();
        await Task.WhenAll(pairs);

        Assert.True(writer.GroupedWrites > 0, "No write was committed in a group: the test did not exercise group commit.");
        foreach (var account in accounts)
            Assert.Equal(((Dollars(10) - Cents(25 * 10)).Units, 21L), ((await StateAsync(account)).Balance, (await StateAsync(account)).Entries));
        await AssertInvariantsHoldAsync([.. accounts]);
    }

    /// <summary>Runs <paramref name="write"/> on a thread of its own once <paramref name="gate"/> opens. Writers released
    /// together from one gate arrive while a commit is in flight and are written in groups; on their own threads, not
    /// the thread pool's, because SQLite runs a write synchronously on its caller's thread, and on a busy machine a
    /// starved pool ran pool-thread writers one after another, so none ever met a commit in flight (a CI run).</summary>
    private static Task<T> OnOwnThread<T>(ManualResetEventSlim gate, Func<Task<T>> write) =>
        Task.Factory.StartNew(() =>
        {
            gate.Wait();
            return write().GetAwaiter().GetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
