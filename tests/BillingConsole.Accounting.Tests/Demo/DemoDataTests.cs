using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Demo;

/// <summary>The bulk loader against the live write path, on two empty databases per provider (SQLite and PostgreSQL: the
/// loader refuses SQL Server, where demo data goes through the ledger).</summary>
public abstract class BulkLoaderTests(LedgerDatabase first, LedgerDatabase second)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime End = new(2026, 3, 20, 10, 0, 0, DateTimeKind.Utc);

    private static async Task<PriceCatalog> CatalogAsync(LedgerDatabase db)
    {
        await CatalogFile.SyncAsync(db.Factory, Ct);
        var catalog = new PriceCatalog(db.Factory);
        await catalog.ReloadAsync(Ct);
        return catalog;
    }

    [Fact]
    public async Task BulkLoader_SamePlanAsTheLiveLoader_WritesExactlyTheWritePathsRows()
    {
        // Two customers: one busy day where calls overlap (one starts before another ends), and twelve quiet days. (In
        // that order: the busy plan's expiry pass comes after its in-flight call, and the live loader's pass releases
        // every account's expired holds, the bulk loader's only its own account's.)
        foreach (var (days, requests) in new[] { (1, 3_000), (12, 400) })
        {
            var plans = new List<IReadOnlyList<TrafficEvent>>();
            foreach (var db in new[] { first, second })
            {
                var catalog = await CatalogAsync(db);
                var (accountId, keys) = await CustomerAsync(db);
                plans.Add(TrafficGenerator.Generate(new TrafficPlan(accountId, keys, days, requests, End), catalog));
                if (db == first)
                    await new LiveTrafficLoader(db.Factory, db.Dialect, catalog).LoadAsync(plans[^1], ct: Ct);
                else
                    await new BulkTrafficLoader(db.Factory, db.Dialect).LoadAsync(accountId, plans[^1], Ct);
            }
            Assert.Equal(plans[0].Count, plans[1].Count);
            if (days == 1)
                Assert.True(Overlapping(plans[0]) > 10, $"only {Overlapping(plans[0])} calls overlap");
        }

        await using var live = await first.Factory.CreateDbContextAsync(Ct);
        await using var bulk = await second.Factory.CreateDbContextAsync(Ct);
        AssertSame(await live.LedgerEntries.OrderBy(e => e.Id).ToListAsync(Ct), await bulk.LedgerEntries.OrderBy(e => e.Id).ToListAsync(Ct));
        AssertSame(await live.Reservations.OrderBy(e => e.Id).ToListAsync(Ct), await bulk.Reservations.OrderBy(e => e.Id).ToListAsync(Ct));
        AssertSame(await live.RequestRecords.OrderBy(e => e.Id).ToListAsync(Ct), await bulk.RequestRecords.OrderBy(e => e.Id).ToListAsync(Ct));
        // Rollup ids are not compared: an upsert that updates still burns an id on both providers.
        AssertSame(await RollupsAsync(live), await RollupsAsync(bulk), nameof(BillingConsole.Accounting.Usage.UsageRollup.Id));
        AssertSame(await DayTotalsAsync(live), await DayTotalsAsync(bulk));
        Assert.True(await bulk.LedgerDayTotals.CountAsync(Ct) > 20);
        AssertSame(await live.Accounts.OrderBy(e => e.Id).ToListAsync(Ct), await bulk.Accounts.OrderBy(e => e.Id).ToListAsync(Ct));
        AssertSame(await live.ApiKeys.OrderBy(e => e.Id).ToListAsync(Ct), await bulk.ApiKeys.OrderBy(e => e.Id).ToListAsync(Ct));
        Assert.True(await bulk.LedgerEntries.CountAsync(Ct) > 6_800);
        // Checked as of the plan's end, when its last call is still in flight (not yet a leaked hold).
        var run = await new InvariantChecker(second.Factory, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(End)).RunAsync(InvariantCheckMode.Full, ct: Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => v.Detail)));

        // New writes after a bulk load get fresh ids (PostgreSQL's identity sequences were moved past the loaded rows).
        var posted = await second.Writer().PostAsync(new PostRequest(1, EntryTypes.Bonus, Money.FromCents(1), "After bulk", new Origin(EntrySources.Admin, "tests")), Ct);
        Assert.True(posted.Succeeded, posted.Failure?.ToString());
    }

    [Fact]
    public async Task Generate_BusyTraffic_StaysWithinItsDays_AndEveryEntryIsInTimeOrder()
    {
        var catalog = await CatalogAsync(first);
        // 100,000 calls a day: more than a call's latency apart only if calls overlap.
        var events = TrafficGenerator.Generate(new TrafficPlan(1, [1, 2, 3, 4], 3, 300_000, End), catalog);

        var start = End.Date.AddDays(-3);
        Assert.All(events, e => Assert.InRange(e.At, start, End));
        Assert.All(events.OfType<CallEvent>(), c => Assert.InRange(c.EndAt, c.At, End.AddMinutes(1)));
        Assert.True(Overlapping(events) > 100_000);
        var steps = TrafficSchedule.Steps(events).ToList();
        Assert.Equal(events.Count + events.OfType<CallEvent>().Count(c => c.End is not (CallEnd.Leaked or CallEnd.InFlight)), steps.Count);
        for (var i = 1; i < steps.Count; i++)
            Assert.True(steps[i - 1].At <= steps[i].At, $"step {i} at {steps[i].At:O} comes after one at {steps[i - 1].At:O}");
    }

    /// <summary>Calls that start before the call before them has ended.</summary>
    private static int Overlapping(IReadOnlyList<TrafficEvent> events)
    {
        var calls = events.OfType<CallEvent>().ToList();
        return calls.Skip(1).Where((c, i) => c.At < calls[i].EndAt).Count();
    }

    private static async Task<(long AccountId, List<long> Keys)> CustomerAsync(LedgerDatabase database)
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var created = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var account = new Account { Name = "Bulk", CreatedAt = created };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(Ct);
        var keys = Enumerable.Range(0, 3).Select(i => new ApiKey
        {
            AccountId = account.Id, Name = $"k{i}", Prefix = $"bc_k{i}", SecretHash = $"hash{account.Id}-{i}", CreatedAt = created,
        }).ToList();
        db.ApiKeys.AddRange(keys);
        await db.SaveChangesAsync(Ct);
        return (account.Id, keys.Select(k => k.Id).ToList());
    }

    private static Task<List<LedgerDayTotal>> DayTotalsAsync(BillingConsole.Accounting.Data.BillingDbContext db) =>
        db.LedgerDayTotals.OrderBy(t => t.AccountId).ThenBy(t => t.Day).ThenBy(t => t.Type).ToListAsync(Ct);

    private static Task<List<BillingConsole.Accounting.Usage.UsageRollup>> RollupsAsync(BillingConsole.Accounting.Data.BillingDbContext db) =>
        db.UsageRollups.OrderBy(u => u.AccountId).ThenBy(u => u.Day).ThenBy(u => u.ModelId).ThenBy(u => u.ApiKeyId).ToListAsync(Ct);

    private static void AssertSame<T>(List<T> expected, List<T> actual, string? except = null)
    {
        Assert.Equal(expected.Count, actual.Count);
        var properties = typeof(T).GetProperties()
            .Where(p => (p.PropertyType.IsValueType || p.PropertyType == typeof(string)) && p.Name != except).ToList();
        for (var i = 0; i < expected.Count; i++)
            foreach (var p in properties)
                Assert.True(Equals(p.GetValue(expected[i]), p.GetValue(actual[i])),
                    $"{typeof(T).Name} #{i} {p.Name}: live '{p.GetValue(expected[i])}' vs bulk '{p.GetValue(actual[i])}'");
    }
}

public sealed class SecondSqliteLedgerDatabase : SqliteLedgerDatabase;

public sealed class SecondPostgresLedgerDatabase : PostgresLedgerDatabase;

[Trait("Speed", "Slow")]
public sealed class SqliteBulkLoaderTests(SqliteLedgerDatabase a, SecondSqliteLedgerDatabase b)
    : BulkLoaderTests(a, b), IClassFixture<SqliteLedgerDatabase>, IClassFixture<SecondSqliteLedgerDatabase>;

[Trait("Speed", "Slow")]
public sealed class PostgresBulkLoaderTests(PostgresLedgerDatabase a, SecondPostgresLedgerDatabase b)
    : BulkLoaderTests(a, b), IClassFixture<PostgresLedgerDatabase>, IClassFixture<SecondPostgresLedgerDatabase>;

/// <summary>The development seed, on an empty database of its own per provider.</summary>
public abstract class DemoSeedTests(LedgerDatabase first)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedIfEmpty_WritesEveryEntryTypeWithoutViolations_AndOnlyOnce()
    {
        await CatalogFile.SyncAsync(first.Factory, Ct);
        var catalog = new PriceCatalog(first.Factory);
        await catalog.ReloadAsync(Ct);
        var demo = new DemoData(first.Factory, first.Dialect, catalog, TimeProvider.System);
        // As the console seeds: the bulk loader supports SQLite and PostgreSQL, SQL Server goes through the ledger.
        var size = new DemoSize(2_000, 14, Bulk: first.ProviderName != "SqlServer");

        Assert.True(await demo.SeedIfEmptyAsync("bc_demo_key", size, ct: Ct));
        Assert.False(await demo.SeedIfEmptyAsync("bc_demo_key", size, ct: Ct));

        await using var db = await first.Factory.CreateDbContextAsync(Ct);
        var types = await db.LedgerEntries.Select(e => e.Type).Distinct().ToListAsync(Ct);
        Assert.Equal(EntryTypes.All.Select(t => t.Name).Order(), types.Order());
        Assert.Equal(2_000, await db.Reservations.CountAsync(Ct));
        Assert.Equal(1, await db.Reservations.CountAsync(r => r.Status == ReservationStatus.Open, Ct));
        Assert.Equal(1, await db.Reservations.CountAsync(r => r.Status == ReservationStatus.Expired, Ct));
        Assert.True(await db.LedgerEntries.AnyAsync(e => e.Type == EntryTypes.Settlement && e.Amount < 0, Ct), "some call should cost more than its hold");
        Assert.True(await db.RequestRecords.AnyAsync(r => r.Status == "error" && r.Cost == 0, Ct));
        Assert.True(await db.ApiKeys.AnyAsync(k => k.SecretHash == ApiKey.Hash("bc_demo_key"), Ct));
        var run = await new InvariantChecker(first.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, ct: Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => v.Detail)));
        Assert.Equal(2, run.AccountsChecked);
    }

}

public sealed class SqliteDemoSeedTests(SqliteLedgerDatabase db) : DemoSeedTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresDemoSeedTests(PostgresLedgerDatabase db) : DemoSeedTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerDemoSeedTests(SqlServerLedgerDatabase db) : DemoSeedTests(db), IClassFixture<SqlServerLedgerDatabase>;
