using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Demo;

/// <summary>
/// Demo data for a first start: a customer account with four months of realistic history covering every entry type,
/// a second small account, a customer user and a billing admin. Everything is written through <see cref="LedgerWriter"/>
/// (with a clock that walks through the past), so the demo ledger obeys the same rules as real traffic.
/// </summary>
public sealed class DemoData(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, TimeProvider clock)
{
    public const string CustomerEmail = "dana@acme.example";
    public const string AdminEmail = "admin@billingconsole.example";
    public const int HistoryDays = 120;

    private static readonly Origin Console = new(EntrySources.Console, CustomerEmail);
    private static readonly Origin Gateway = new(EntrySources.MeteringApi, "gateway");
    private static readonly Origin Stripe = new(EntrySources.StripeWebhook, "stripe");
    private static readonly Origin Admin = new(EntrySources.Admin, AdminEmail);
    private static readonly Origin System = new(EntrySources.System, "system");

    /// <summary>Seeds when there is no account yet; returns whether it did.</summary>
    public async Task<bool> SeedIfEmptyAsync(string? customerApiKey, CancellationToken ct = default)
    {
        long acmeId, globexId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.Accounts.AnyAsync(ct))
                return false;
            var created = clock.GetUtcNow().UtcDateTime.AddDays(-HistoryDays - 1);
            var acme = new Account { Name = "Acme Robotics", Email = "billing@acme.example", CreatedAt = created };
            var globex = new Account { Name = "Globex Labs", Email = "finance@globex.example", CreatedAt = created };
            db.Accounts.AddRange(acme, globex);
            await db.SaveChangesAsync(ct);
            acmeId = acme.Id;
            globexId = globex.Id;
            db.Users.AddRange(
                new User { Email = CustomerEmail, DisplayName = "Dana Whitfield", Role = Roles.Customer, AccountId = acmeId },
                new User { Email = "sam@globex.example", DisplayName = "Sam Okafor", Role = Roles.Customer, AccountId = globexId },
                new User { Email = AdminEmail, DisplayName = "Billing Admin", Role = Roles.BillingAdmin, AccountId = acmeId });
            if (!string.IsNullOrWhiteSpace(customerApiKey))
                db.ApiKeys.Add(new ApiKey
                {
                    AccountId = acmeId, Name = "Demo key", Prefix = ApiKey.PrefixOf(customerApiKey),
                    SecretHash = ApiKey.Hash(customerApiKey), CreatedAt = created,
                });
            await db.SaveChangesAsync(ct);
        }
        await WriteHistoryAsync(acmeId, ct);
        await WriteSmallHistoryAsync(globexId, ct);
        return true;
    }

    private async Task WriteHistoryAsync(long accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var time = new WalkingClock(now.Date.AddDays(-HistoryDays).AddHours(9));
        var ledger = new LedgerWriter(dbFactory, dialect, time);
        var random = new Random(20261123);
        var key = 0;
        string Key() => $"demo-{accountId}-{++key}";

        async Task Post(string type, Money amount, string description, Origin origin, string? refId = null) =>
            Require(await ledger.PostAsync(new PostRequest(accountId, type, amount, description, origin, refId, Key()), ct));

        await Post(EntryTypes.Bonus, Money.FromDollars(25), "Welcome credit", System);
        await Purchase(Money.FromDollars(100), "cs_demo_0001");

        for (var day = 0; day < HistoryDays; day++)
        {
            var dayStart = now.Date.AddDays(-HistoryDays + day);
            time.Set(dayStart.AddHours(8));
            if (day == 10)
            {
                await Post(EntryTypes.ContractGrant, Money.FromDollars(200), "Enterprise contract Q3: prepaid portion", Admin, "contract_2026_q3");
                await Post(EntryTypes.BonusGrant, Money.FromDollars(20), "Enterprise contract Q3: negotiated 10% extra", Admin, "contract_2026_q3");
            }
            if (day is 30 or 75)
                await Purchase(Money.FromDollars(day == 30 ? 300 : 250), $"cs_demo_{day:0000}");
            if (day == 41)
                await Post(EntryTypes.Refund, Money.FromCents(312), "Refund of calls billed during the upstream outage on day 40", Admin, "incident_0412");
            if (day == 52)
                await Post(EntryTypes.PaymentRefund, Money.FromDollars(-100), "Partial refund to card of purchase cs_demo_0030", Stripe, "re_demo_0052");
            if (day == 88)
                await Post(EntryTypes.Dispute, Money.FromDollars(-50), "Chargeback opened on purchase cs_demo_0075", Stripe, "dp_demo_0088");
            if (day == 95)
                await Post(EntryTypes.AdminCorrection, Money.FromCents(125), "Correction: duplicate storage charge on day 94", Admin);
            if (day % 7 == 3)
                await Post(EntryTypes.UsageDebit, new Money(-random.NextInt64(800_000_000, 4_500_000_000)), "Batch embedding job", Gateway, $"batch_{day:0000}");

            var calls = random.Next(3, 9);
            for (var call = 0; call < calls; call++)
            {
                var inFlight = day == HistoryDays - 1 && call == calls - 1;
                // The very last call is still running now, so the console shows a hold.
                time.Set(inFlight ? now.AddMinutes(-1) : dayStart.AddHours(9).AddMinutes(call * 97 + random.Next(0, 60)));
                await MeteredCall(random, inFlight);
            }
            time.Set(dayStart.AddHours(23).AddMinutes(55));
            await Post(EntryTypes.StorageBilling, new Money(-random.NextInt64(90_000_000, 160_000_000)), $"Storage for {dayStart:yyyy-MM-dd}: 4.2 GB of logs", System);
            await RechargeIfLow();
        }
        return;

        async Task Purchase(Money credits, string session)
        {
            await Post(EntryTypes.Topup, credits, $"Credit purchase, Stripe Checkout {session}", Stripe, session);
            await Post(EntryTypes.PlatformFee, new Money(-credits.Units / 20), $"5% platform fee on {session}", Stripe, session);
        }

        async Task RechargeIfLow()
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var balance = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(ct);
            if (balance < Money.FromDollars(150).Units)
                await Post(EntryTypes.AutoRecharge, Money.FromDollars(250), "Auto-recharge: balance fell below $150.00", System, $"pi_demo_{key}");
        }

        async Task MeteredCall(Random r, bool leaveOpen)
        {
            var hold = new Money(r.NextInt64(50_000_000, 4_000_000_000));
            var reserved = Require(await ledger.ReserveAsync(new ReserveRequest(accountId, hold, "Hold for a chat completion", Gateway, Key()), ct));
            if (leaveOpen)
                return;
            time.Advance(TimeSpan.FromSeconds(r.Next(1, 40)));
            if (r.Next(10) == 0)
            {
                Require(await ledger.ReleaseAsync(new ReleaseRequest(accountId, reserved.ReservationId, "Call failed upstream (503); hold released", Gateway), ct));
                return;
            }
            var cost = new Money(hold.Units * r.Next(15, 95) / 100);
            Require(await ledger.SettleAsync(new SettleRequest(accountId, reserved.ReservationId, cost, "Chat completion settled at real token cost", Gateway), ct));
        }
    }

    private async Task WriteSmallHistoryAsync(long accountId, CancellationToken ct)
    {
        var time = new WalkingClock(clock.GetUtcNow().UtcDateTime.AddDays(-20));
        var ledger = new LedgerWriter(dbFactory, dialect, time);
        Require(await ledger.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, Money.FromDollars(10), "Welcome credit", System, IdempotencyKey: "demo-globex-1"), ct));
        time.Advance(TimeSpan.FromDays(2));
        Require(await ledger.PostAsync(new PostRequest(accountId, EntryTypes.Topup, Money.FromDollars(100), "Credit purchase, Stripe Checkout cs_demo_g001", Stripe, "cs_demo_g001", "demo-globex-2"), ct));
    }

    private static T Require<T>(LedgerResult<T> result) where T : class =>
        result.Value ?? throw new InvalidOperationException($"Demo data could not be written: {result.Failure}");

    /// <summary>A clock the seeder moves through the past; entries take their timestamps from it.</summary>
    private sealed class WalkingClock(DateTime start) : TimeProvider
    {
        private DateTime _now = start;

        public void Set(DateTime utc) => _now = utc > _now ? utc : _now.AddSeconds(1);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(_now, DateTimeKind.Utc));
    }
}
