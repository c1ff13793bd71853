using System.Diagnostics;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Reliability;

/// <summary>
/// The checker's word must be trusted: full and incremental runs go on continuously beside writers doing what the
/// bank test does plus metered calls (holds, settles above and below, failed calls, releases, batch settles: request
/// records, usage rollups, day totals and key counters all move), and no run may report a violation. A run that read
/// the ledger and its derived tables at different moments reports rollup_mismatch or request_cost_mismatch here
/// (issue 14). Afterwards a tampered rollup must still be reported, so zero means "checked and clean".
/// </summary>
public abstract class CheckerConsistencyTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Origin Tester = new(EntrySources.Admin, "checker-consistency-test");
    private static readonly string[] Models = ["gpt-4o-mini", "gpt-4o", "gpt-5-mini"];

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("BILLING_BANK_SECONDS"), out var s) ? s : 4);

    // Like the bank test: the run lasts Duration and at least this much work, so a slow machine still overlaps many
    // checks with many commits; the deadline only stops a stuck engine.
    private const long MinimumOperations = 400;
    private const int MinimumChecksPerMode = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    private sealed record Hold(long Account, long Reservation, Money Held, bool Metered);

    [Fact]
    public async Task RunAsync_FullAndIncrementalBesideWriters_ReportNoViolations_AndStillCatchDamage()
    {
        database.RequireAvailable();
        await CatalogFile.SyncAsync(database.Factory, Ct);
        var catalog = new PriceCatalog(database.Factory);
        await catalog.ReloadAsync(Ct);
        var ledger = database.Writer();
        var meter = new MeteringService(ledger, catalog, database.Factory, TimeProvider.System);
        var customers = new List<(long Account, long Key)>();
        for (var i = 0; i < 4; i++)
            customers.Add(await NewCustomerAsync(ledger, i));
        var ids = customers.Select(c => c.Account).ToArray();
        var checker = new InvariantChecker(database.Factory, TimeProvider.System);

        var stop = Stopwatch.StartNew();
        long operations = 0, fullChecks = 0, incrementalChecks = 0;
        var violations = new List<string>();
        var failed = 0;
        // A task that throws stops the others at once instead of leaving them to run to the deadline.
        async Task UntilFailureAsync(Func<Task> work)
        {
            try
            {
                await work();
            }
            catch
            {
                Interlocked.Exchange(ref failed, 1);
                throw;
            }
        }
        bool Running() => Volatile.Read(ref failed) == 0 && stop.Elapsed < Deadline && (stop.Elapsed < Duration || Interlocked.Read(ref operations) < MinimumOperations
            || Interlocked.Read(ref fullChecks) < MinimumChecksPerMode || Interlocked.Read(ref incrementalChecks) < MinimumChecksPerMode);

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            var open = new List<Hold>();
            while (Running())
            {
                var (account, key) = customers[random.Next(customers.Count)];
                var roll = random.Next(100);
                if (roll < 8)
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(random.Next(1, 20)), "Top-up", Tester), Ct);
                else if (roll < 20)
                {
                    if ((await ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(random.Next(1, 80)), "Hold", Tester), Ct)).Value is { } h)
                        open.Add(new Hold(account, h.ReservationId, h.Held, false));
                }
                else if (roll < 45)
                {
                    var command = new MeterReserveCommand(Guid.NewGuid().ToString("N"), key, Models[random.Next(Models.Length)],
                        random.Next(1, 4_000), random.Next(1, 2_000), random.Next(3) == 0 ? ["batch", $"team-{seed}"] : null);
                    if ((await meter.ReserveAsync(command, Ct)).Value is { } h)
                        open.Add(new Hold(account, h.ReservationId, h.Held, true));
                }
                else if (roll < 90 && open.Count > 0)
                    await ResolveAsync(random, open, ledger, meter);
                else if (roll < 95)
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.AdminCorrection, Money.FromCents(random.Next(-300, 300) | 1), "Correction", Tester), Ct);
                else
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.Refund, Money.FromCents(random.Next(1, 200)), "Refund", Tester), Ct);
                Interlocked.Increment(ref operations);
            }
            foreach (var h in open)
                await ledger.ReleaseAsync(new ReleaseRequest(h.Account, h.Reservation, "Release at the end", Tester), Ct);
        }

        async Task CheckerAsync(InvariantCheckMode mode)
        {
            while (Running())
            {
                var run = await checker.RunAsync(mode, ids, Ct);
                Interlocked.Increment(ref mode == InvariantCheckMode.Full ? ref fullChecks : ref incrementalChecks);
                lock (violations)
                    violations.AddRange(run.Violations.Select(v => $"{mode} run {run.Id}, account {v.AccountId}: {v.Kind}: {v.Detail}"));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => UntilFailureAsync(() => WriterAsync(i)), Ct))
            .Append(Task.Run(() => UntilFailureAsync(() => CheckerAsync(InvariantCheckMode.Full)), Ct))
            .Append(Task.Run(() => UntilFailureAsync(() => CheckerAsync(InvariantCheckMode.Incremental)), Ct)));

        var summary = $"{operations:N0} operations, {fullChecks} full and {incrementalChecks} incremental checks in {stop.Elapsed.TotalSeconds:N0} s";
        Assert.True(violations.Count == 0, $"{violations.Count} violations reported beside the writers ({summary}):\n{string.Join("\n", violations.Take(20))}");
        Assert.True(operations >= MinimumOperations && fullChecks >= MinimumChecksPerMode && incrementalChecks >= MinimumChecksPerMode, summary);
        await using (var db = await database.Factory.CreateDbContextAsync(Ct))
            Assert.True(await db.RequestRecords.CountAsync(r => ids.Contains(r.AccountId) && r.Status == RequestStatus.Success, Ct) > 0,
                "no metered call was settled, so the derived tables were never compared");
        foreach (var mode in new[] { InvariantCheckMode.Incremental, InvariantCheckMode.Full })
        {
            var quiet = await checker.RunAsync(mode, ids, Ct);
            Assert.True(quiet.ViolationCount == 0, string.Join("\n", quiet.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        }

        // Real damage is still reported by the same checker on the same data.
        Assert.True(await database.ExecuteSqlAsync($"UPDATE usage_rollups SET cost = cost + 1 WHERE account_id = {ids[0]}") > 0);
        var damaged = await checker.RunAsync(InvariantCheckMode.Full, ids, Ct);
        Assert.Contains(damaged.Violations, v => v.AccountId == ids[0] && v.Kind == "rollup_mismatch");
        TestContext.Current.TestOutputHelper?.WriteLine($"checker consistency on {database.ProviderName}: {summary}, 0 violations");
    }

    /// <summary>Closes a random open hold: a metered one by settle (below or above its hold, or a failed call), a batch
    /// settle of several, or a release; an unpriced one by settle (below, at or above) or release.</summary>
    private static async Task ResolveAsync(Random random, List<Hold> open, LedgerWriter ledger, MeteringService meter)
    {
        var hold = open[random.Next(open.Count)];
        open.Remove(hold);
        var roll = random.Next(100);
        if (!hold.Metered)
        {
            if (roll < 75)
                await ledger.SettleAsync(new SettleRequest(hold.Account, hold.Reservation, new Money(hold.Held.Units * random.Next(0, 160) / 100), "Settle", Tester), Ct);
            else
                await ledger.ReleaseAsync(new ReleaseRequest(hold.Account, hold.Reservation, "Release", Tester), Ct);
            return;
        }
        if (roll < 15)
        {
            await meter.ReleaseAsync(hold.Reservation, "cancelled", Ct);
            return;
        }
        var batch = new List<MeterSettleCommand> { Settle(random, hold.Reservation) };
        if (roll < 35)
            foreach (var more in open.Where(h => h.Metered).Take(random.Next(1, 5)).ToList())
            {
                open.Remove(more);
                batch.Add(Settle(random, more.Reservation));
            }
        await meter.SettleManyAsync(batch, Ct);
    }

    private static MeterSettleCommand Settle(Random random, long reservationId)
    {
        if (random.Next(10) == 0)
            return new MeterSettleCommand(reservationId, new TokenCounts(random.Next(1, 500), 0, 0), RequestStatus.Error, "upstream_503");
        // Up to twice the token maxima: some calls cost more than their hold.
        var input = random.Next(0, 6_000);
        return new MeterSettleCommand(reservationId, new TokenCounts(input, random.Next(0, 3_000), random.Next(0, input + 1)), RequestStatus.Success,
            LatencyMs: random.Next(50, 900), Provider: "openai");
    }

    private async Task<(long Account, long Key)> NewCustomerAsync(LedgerWriter ledger, int i)
    {
        var account = await database.CreateAccountAsync(i == 0 ? -Money.FromDollars(5) : null, $"checker consistency {i}");
        Assert.True((await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(500), "Opening top-up", Tester), Ct)).Succeeded);
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var key = new ApiKey { AccountId = account, Name = $"k{i}", Prefix = "bc_test", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = DateTime.UtcNow };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return (account, key.Id);
    }
}

[Trait("Speed", "Slow")]
public sealed class SqliteCheckerConsistencyTests(SqliteLedgerDatabase db) : CheckerConsistencyTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")]
public sealed class PostgresCheckerConsistencyTests(PostgresLedgerDatabase db) : CheckerConsistencyTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerCheckerConsistencyTests(SqlServerLedgerDatabase db) : CheckerConsistencyTests(db), IClassFixture<SqlServerLedgerDatabase>;
