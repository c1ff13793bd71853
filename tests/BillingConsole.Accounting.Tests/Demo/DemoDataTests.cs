using BillingConsole.Accounting.Demo;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Demo;

/// <summary>The demo seed runs on an empty database of its own (one per provider) and must obey every ledger rule.</summary>
public abstract class DemoDataTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedIfEmpty_WritesEveryEntryTypeWithoutViolations_AndOnlyOnce()
    {
        var demo = new DemoData(database.Factory, database.Dialect, TimeProvider.System);

        Assert.True(await demo.SeedIfEmptyAsync("bc_demo_key", Ct));
        Assert.False(await demo.SeedIfEmptyAsync("bc_demo_key", Ct));

        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var types = await db.LedgerEntries.Select(e => e.Type).Distinct().ToListAsync(Ct);
        Assert.Equal(EntryTypes.All.Select(t => t.Name).Order(), types.Order());
        Assert.InRange(await db.LedgerEntries.CountAsync(Ct), 300, 5000);
        Assert.Equal(1, await db.Reservations.CountAsync(r => r.Status == ReservationStatus.Open, Ct));
        Assert.True(await db.ApiKeys.AnyAsync(k => k.SecretHash == Identity.ApiKey.Hash("bc_demo_key"), Ct));
        var run = await new InvariantChecker(database.Factory, TimeProvider.System).RunAsync(InvariantCheckMode.Full, ct: Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => v.Detail)));
        Assert.Equal(2, run.AccountsChecked);
    }
}

public sealed class SqliteDemoDataTests(SqliteLedgerDatabase db) : DemoDataTests(db), IClassFixture<SqliteLedgerDatabase>;

public sealed class PostgresDemoDataTests(PostgresLedgerDatabase db) : DemoDataTests(db), IClassFixture<PostgresLedgerDatabase>;
