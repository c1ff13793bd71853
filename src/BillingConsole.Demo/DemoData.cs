using System.Diagnostics;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Demo;

/// <summary>How much demo history to seed and how.</summary>
/// <param name="Bulk">Write the rows the write path would write in bulk (SQLite, PostgreSQL) instead of call by call.</param>
public sealed record DemoSize(int Requests = 50_000, int Days = 90, bool Bulk = true);

/// <summary>
/// Demo data for a first start: the customer account Acme Robotics with months of generated traffic
/// (<see cref="TrafficGenerator"/>) on four keys, a second small account, a customer user and a billing admin.
/// </summary>
public sealed class DemoData(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, PriceCatalog catalog, TimeProvider clock)
{
    public const string CustomerEmail = "dana@acme.example";
    public const string AdminEmail = "admin@billingconsole.example";
    public const string CustomerAccount = "Acme Robotics";
    public const string SecondAccount = "Globex Labs";

    /// <summary>Seeds when there is no account yet; returns whether it did.</summary>
    public async Task<bool> SeedIfEmptyAsync(string? customerApiKey, DemoSize? size = null, Action<string>? log = null, CancellationToken ct = default)
    {
        size ??= new DemoSize();
        var now = clock.GetUtcNow().UtcDateTime;
        var created = now.Date.AddDays(-size.Days - 1);
        long acmeId, globexId;
        List<long> keyIds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Accounts.AnyAsync(ct))
                return false;
            var acme = new Account { Name = CustomerAccount, Email = "billing@acme.example", CreatedAt = created };
            var globex = new Account { Name = SecondAccount, Email = "finance@globex.example", CreatedAt = created };
            db.Accounts.AddRange(acme, globex);
            await db.SaveChangesAsync(ct);
            (acmeId, globexId) = (acme.Id, globex.Id);
            var users = new[]
            {
                new User { Email = CustomerEmail, DisplayName = "Dana Whitfield", Role = Roles.Customer, AccountId = acmeId },
                new User { Email = "sam@globex.example", DisplayName = "Sam Okafor", Role = Roles.Customer, AccountId = globexId },
                new User { Email = AdminEmail, DisplayName = "Billing Admin", Role = Roles.BillingAdmin, AccountId = acmeId },
            };
            db.Users.AddRange(users);
            await db.SaveChangesAsync(ct);
            // Each user's default account is also a membership row (the account switcher and sign-in read these).
            db.AccountMembers.AddRange(users.Select(u => new AccountMember
            {
                AccountId = u.AccountId!.Value, UserId = u.Id, CreatedAt = created,
                Role = u.Role == Roles.Customer ? AccountRoles.Owner : AccountRoles.Developer,
            }));
            var keys = new List<ApiKey>
            {
                Key(acmeId, "Production", customerApiKey ?? "bc_demo_production_unused", created, null),
                Key(acmeId, "Support bot", $"bc_demo_support_{Guid.NewGuid():N}", created, null),
                Key(acmeId, "Staging", $"bc_demo_staging_{Guid.NewGuid():N}", created, Money.FromDollars(5_000)),
                Key(acmeId, "Data pipeline", $"bc_demo_pipeline_{Guid.NewGuid():N}", created, null),
            };
            db.ApiKeys.AddRange(keys);
            await db.SaveChangesAsync(ct);
            keyIds = keys.Select(k => k.Id).ToList();
        }

        var watch = Stopwatch.StartNew();
        var events = TrafficGenerator.Generate(new TrafficPlan(acmeId, keyIds, size.Days, size.Requests, now), catalog);
        log?.Invoke($"Demo data: generated {events.Count:N0} events ({size.Requests:N0} calls over {size.Days} days); writing {(size.Bulk ? "in bulk" : "through the ledger")}...");
        if (size.Bulk)
            await new BulkTrafficLoader(dbFactory, dialect).LoadAsync(acmeId, events, ct);
        else
            await new LiveTrafficLoader(dbFactory, dialect, catalog).LoadAsync(events,
                new Progress<int>(i => { if (i % 10_000 == 0 && i > 0) log?.Invoke($"Demo data: {i:N0} of {events.Count:N0} events written..."); }), ct);
        await WriteSmallHistoryAsync(globexId, now, ct);
        log?.Invoke($"Demo data: ready in {watch.Elapsed.TotalSeconds:N1} s.");
        return true;
    }

    private static ApiKey Key(long accountId, string name, string secret, DateTime created, Money? limit) => new()
    {
        AccountId = accountId, Name = name, Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = created,
        MonthlySpendLimit = limit?.Units,
    };

    private async Task WriteSmallHistoryAsync(long accountId, DateTime now, CancellationToken ct)
    {
        var time = new WalkingClock(now.AddDays(-20));
        var ledger = new LedgerWriter(dbFactory, dialect, time);
        var system = new Origin(EntrySources.System, "system");
        var stripe = new Origin(EntrySources.PaymentWebhook, "stripe");
        Require(await ledger.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, Money.FromDollars(10), "Welcome credit", system, IdempotencyKey: "demo-globex-1"), ct));
        time.Advance(TimeSpan.FromDays(2));
        Require(await ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(100), "Credit purchase, Stripe Checkout cs_demo_g001", stripe, "cs_demo_g001", "demo-globex-2"), ct));
        Require(await ledger.PostAsync(new PostRequest(accountId, EntryTypes.PlatformFee, Money.FromDollars(-5), "5% platform fee on cs_demo_g001", stripe, "cs_demo_g001", "demo-globex-3"), ct));
    }

    private static T Require<T>(LedgerResult<T> result) where T : class =>
        result.Value ?? throw new InvalidOperationException($"Demo data could not be written: {result.Failure}");
}
