using System.Diagnostics;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Reliability;

/// <summary>
/// The bank test (after Jepsen's): writers do random top-ups, reserves, settles above and below the hold, releases,
/// corrections and refunds across a few accounts while readers keep checking that every read is consistent. Short mode
/// runs a few seconds; BILLING_BANK_SECONDS sets the long mode (docs/reliability.md).
/// </summary>
public abstract class BankTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Origin Bank = new(EntrySources.Admin, "bank-test");

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("BILLING_BANK_SECONDS"), out var s) ? s : 4);

    // The run lasts Duration and at least this many operations, so a slow, busy machine still tests real concurrency
    // (a fresh-clone CI run once fitted only 94 into 4 s); the deadline only stops a stuck engine.
    private const long MinimumOperations = 300;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RandomConcurrentWrites_KeepEveryReadConsistent_AndNoInvariantBreaks()
    {
        var ids = new long[5];
        for (var i = 0; i < ids.Length; i++)
            ids[i] = await database.CreateAccountAsync(i == 0 ? -Money.FromDollars(5) : null, $"bank {i}");
        var ledger = database.Writer();
        var stop = Stopwatch.StartNew();
        var operations = 0L;
        var inconsistent = new List<string>();
        bool Running() => stop.Elapsed < Deadline && (stop.Elapsed < Duration || Interlocked.Read(ref operations) < MinimumOperations);

        async Task WriterAsync(int seed)
        {
            var random = new Random(seed);
            var open = new List<(long Account, long Reservation, Money Hold)>();
            while (Running())
            {
                var account = ids[random.Next(ids.Length)];
                var roll = random.Next(100);
                if (roll < 15)
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromCents(random.Next(1, 500)), "Top-up", Bank, IdempotencyKey: $"t{seed}-{operations}-{random.Next()}"), Ct);
                else if (roll < 50)
                {
                    var hold = await ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(random.Next(1, 80)), "Hold", Bank), Ct);
                    if (hold.Value is { } h)
                        open.Add((account, h.ReservationId, h.Held));
                }
                else if (roll < 80 && open.Count > 0)
                {
                    var (a, r, held) = open[random.Next(open.Count)];
                    open.RemoveAll(x => x.Reservation == r);
                    // Settle below, at or above the hold.
                    var cost = new Money(held.Units * random.Next(0, 160) / 100);
                    await ledger.SettleAsync(new SettleRequest(a, r, cost, "Settle", Bank), Ct);
                }
                else if (roll < 90 && open.Count > 0)
                {
                    var (a, r, _) = open[random.Next(open.Count)];
                    open.RemoveAll(x => x.Reservation == r);
                    await ledger.ReleaseAsync(new ReleaseRequest(a, r, "Release", Bank), Ct);
                }
                else if (roll < 95)
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.AdminCorrection, Money.FromCents(random.Next(-300, 300) | 1), "Correction", Bank), Ct);
                else
                    await ledger.PostAsync(new PostRequest(account, EntryTypes.Refund, Money.FromCents(random.Next(1, 200)), "Refund", Bank), Ct);
                Interlocked.Increment(ref operations);
            }
            foreach (var (a, r, _) in open)
                await ledger.ReleaseAsync(new ReleaseRequest(a, r, "Release at the end", Bank), Ct);
        }

        async Task ReaderAsync()
        {
            while (Running())
            {
                await using var db = await database.Factory.CreateDbContextAsync(Ct);
                // One statement, one snapshot: the balances and the entries must agree at every instant.
                var read = await db.Accounts.Where(a => a.Id == ids[0])
                    .Select(_ => new
                    {
                        Balances = db.Accounts.Where(a => ids.Contains(a.Id)).Sum(a => a.Balance),
                        Entries = db.LedgerEntries.Where(e => ids.Contains(e.AccountId)).Sum(e => (long?)e.Amount) ?? 0,
                        NegativeHolds = db.Reservations.Count(r => ids.Contains(r.AccountId) && r.Amount <= 0),
                    })
                    .SingleAsync(Ct);
                if (read.Balances != read.Entries || read.NegativeHolds != 0)
                    lock (inconsistent)
                        inconsistent.Add($"balances {read.Balances} vs entries {read.Entries}, bad holds {read.NegativeHolds}");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WriterAsync(i)))
            .Concat(Enumerable.Range(0, 2).Select(_ => Task.Run(ReaderAsync))));

        Assert.Empty(inconsistent);
        Assert.True(operations >= MinimumOperations, $"only {operations} operations ran in {stop.Elapsed.TotalSeconds:N0} s");
        var run = await new InvariantChecker(database.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, ids, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        await using var check = await database.Factory.CreateDbContextAsync(Ct);
        // Below its floor only through what the floor does not stop: a settlement above its hold (or a card refund or chargeback).
        var floors = await check.Accounts.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.OverdraftFloor, Ct);
        var belowFloor = await check.LedgerEntries.Where(e => ids.Contains(e.AccountId) && e.Amount < 0)
            .Select(e => new { e.AccountId, e.Type, e.BalanceAfter, e.Id }).ToListAsync(Ct);
        var refusedTypes = belowFloor.Where(e => e.BalanceAfter < floors[e.AccountId] && EntryTypes.Get(e.Type).EnforcesFloor).ToList();
        Assert.True(refusedTypes.Count == 0, $"entries that should have been refused: {string.Join(", ", refusedTypes.Select(e => $"{e.Id} {e.Type}"))}");
        Assert.False(await check.Reservations.AnyAsync(r => ids.Contains(r.AccountId) && r.Status == ReservationStatus.Open, Ct));
        TestContext.Current.SendDiagnosticMessage($"bank test on {database.ProviderName}: {operations:N0} operations in {stop.Elapsed.TotalSeconds:N0} s, 0 violations");
    }
}

[Trait("Speed", "Slow")]
public sealed class SqliteBankTests(SqliteLedgerDatabase db) : BankTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")]
public sealed class PostgresBankTests(PostgresLedgerDatabase db) : BankTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerBankTests(SqlServerLedgerDatabase db) : BankTests(db), IClassFixture<SqlServerLedgerDatabase>;
