using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Usage;

/// <summary>
/// The customer read side (summary, usage, audit trail, statements) on every provider, over two months of history
/// written through the real metering service and ledger writer. Every expectation is recomputed independently: from
/// the metering results the test kept, or by direct queries over ledger_entries and request_records.
/// </summary>
public abstract partial class UsageConformanceTests(LedgerDatabase database) : IAsyncLifetime
{
    protected readonly LedgerDatabase Db = database;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
    protected static readonly Origin Tester = new(EntrySources.Admin, "tests");
    protected static readonly BillingMonth February = new(2026, 2);
    protected static readonly BillingMonth March = new(2026, 3);
    protected static readonly BillingMonth April = new(2026, 4);

    private static readonly DateTimeOffset HistoryStart = new(2026, 2, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The clock of the history being written; each history starts its own at 2026-02-02 08:00.</summary>
    protected FakeTimeProvider Clock = new(HistoryStart);
    protected MeteringService Meter = null!;
    private PriceCatalog _catalog = null!;
    protected UsageQueries Usage = null!;
    protected StatementQueries Statements = null!;

    public async ValueTask InitializeAsync()
    {
        if (Db.SkipReason is not null)
            return;
        await CatalogFile.SyncAsync(Db.Factory, Ct);
        _catalog = new PriceCatalog(Db.Factory);
        await _catalog.ReloadAsync(Ct);
        Meter = new MeteringService(Db.Writer(Clock), _catalog, Db.Factory, Clock);
        Usage = new UsageQueries(Db.Factory);
        Statements = new StatementQueries(Db.Factory);
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected LedgerWriter Ledger => Db.Writer(Clock);

    /// <summary>One metered call as the test made it.</summary>
    protected sealed record Call(long ReservationId, long KeyId, string Model, string Status, long Input, long Output, long Cached,
        Money Cost, Money MarketCost, Money Held, IReadOnlyList<string> Tags, DateTime ReservedAt, DateTime CompletedAt);

    /// <summary>What a history wrote, kept by the test to recompute every figure.</summary>
    protected sealed class History
    {
        public long AccountId { get; init; }
        public long KeyA { get; init; }
        public long KeyB { get; init; }
        public List<Call> Calls { get; } = [];
        public List<(DateTime At, string Type, Money Amount)> Posts { get; } = [];
        public List<(DateTime At, Money Held)> Released { get; } = [];
        public (DateTime At, Money Held, long ReservationId)? OpenHold { get; set; }

        public IEnumerable<Call> SettledIn(BillingMonth m) => Calls.Where(c => c.CompletedAt >= m.Start && c.CompletedAt < m.End);

        public Money Posted(BillingMonth m, params string[] types) =>
            Posts.Where(p => p.At >= m.Start && p.At < m.End && types.Contains(p.Type)).Aggregate(Money.Zero, (s, p) => s + p.Amount);
    }

    private static readonly string[] Models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "text-embedding-3-small"];

    private static readonly string[][] TagSets = [[], ["prod"], ["prod", "team:search"], ["batch"], ["team:search"]];

    /// <summary>
    /// Writes February and March 2026 for a new account with two keys: top-ups with their fees, grants, metered calls on
    /// five models (some failed without output and free, some failed after output and charged), a released call, a call
    /// reserved on Feb 28 and settled on Mar 1, usage debits, storage, a refund, corrections, and a hold left open.
    /// The clock ends at 2026-03-25 12:00.
    /// </summary>
    protected async Task<History> WriteHistoryAsync(int seed = 7)
    {
        Db.RequireAvailable();
        Clock = new FakeTimeProvider(HistoryStart);
        Meter = new MeteringService(Db.Writer(Clock), _catalog, Db.Factory, Clock);
        var accountId = await Db.CreateAccountAsync(name: $"Usage {seed}");
        var history = new History { AccountId = accountId, KeyA = await NewKeyAsync(accountId, "a"), KeyB = await NewKeyAsync(accountId, "b") };
        var random = new Random(seed);

        await PostAsync(history, EntryTypes.Topup, Money.FromDollars(200));
        await PostAsync(history, EntryTypes.PlatformFee, -Money.FromCents(600));
        await PostAsync(history, EntryTypes.Bonus, Money.FromDollars(10));
        for (var day = 3; day <= 27; day += 2)
        {
            Clock.SetUtcNow(new DateTimeOffset(2026, 2, day, 10, 0, 0, TimeSpan.Zero));
            await CallsAsync(history, random, 3);
            if (day == 11)
                await ReleaseAsync(history, random);
            if (day == 15)
                await PostAsync(history, EntryTypes.UsageDebit, -Money.FromCents(125));
            if (day == 21)
                await PostAsync(history, EntryTypes.StorageBilling, -Money.FromCents(40));
        }
        // Reserved in February, settled in March: the hold counts in February, the true-up in March.
        Clock.SetUtcNow(new DateTimeOffset(2026, 2, 28, 23, 59, 0, TimeSpan.Zero));
        var late = Ok(await Meter.ReserveAsync(Reserve(history.KeyA, "gpt-4o", 20_000, 4_000, ["prod"]), Ct));
        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 0, 1, 0, TimeSpan.Zero));
        await SettleAsync(history, late, history.KeyA, "gpt-4o", 12_000, 3_000, 2_000, RequestStatus.Success, ["prod"], new DateTime(2026, 2, 28, 23, 59, 0, DateTimeKind.Utc));

        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await PostAsync(history, EntryTypes.Topup, Money.FromDollars(50));
        await PostAsync(history, EntryTypes.PlatformFee, -Money.FromCents(150));
        await PostAsync(history, EntryTypes.ContractGrant, Money.FromDollars(100));
        await PostAsync(history, EntryTypes.BonusGrant, Money.FromDollars(10));
        for (var day = 3; day <= 21; day += 2)
        {
            Clock.SetUtcNow(new DateTimeOffset(2026, 3, day, 14, 0, 0, TimeSpan.Zero));
            await CallsAsync(history, random, 3);
            if (day == 5)
                await PostAsync(history, EntryTypes.Refund, Money.FromDollars(2));
            if (day == 7)
            {
                await PostAsync(history, EntryTypes.AdminCorrection, -Money.FromCents(75));
                await PostAsync(history, EntryTypes.AdminCorrection, Money.FromCents(10));
            }
            if (day == 13)
                await ReleaseAsync(history, random);
            if (day == 19)
            {
                await PostAsync(history, EntryTypes.StorageBilling, -Money.FromCents(40));
                await PostAsync(history, EntryTypes.UsageDebit, -Money.FromCents(50));
            }
        }
        Clock.SetUtcNow(new DateTimeOffset(2026, 3, 25, 12, 0, 0, TimeSpan.Zero));
        var open = Ok(await Meter.ReserveAsync(Reserve(history.KeyB, "claude-sonnet-4-5", 50_000, 5_000, []), Ct));
        history.OpenHold = (Now, open.Held, open.ReservationId);

        var run = await new InvariantChecker(Db.Factory, Clock).RunAsync(InvariantCheckMode.Full, [accountId], Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        return history;
    }

    protected DateTime Now => Clock.GetUtcNow().UtcDateTime;

    private async Task CallsAsync(History history, Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(7));
            var model = Models[random.Next(Models.Length)];
            var key = random.Next(3) == 0 ? history.KeyB : history.KeyA;
            var tags = TagSets[random.Next(TagSets.Length)];
            var embedding = model.StartsWith("text-embedding", StringComparison.Ordinal);
            var maxIn = random.Next(1_000, 6_000);
            var maxOut = embedding ? 0 : random.Next(100, 2_000);
            var hold = Ok(await Meter.ReserveAsync(Reserve(key, model, maxIn, maxOut, tags), Ct));
            var reservedAt = Now;
            Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 30)));
            var failure = random.Next(8);
            var (status, output) = failure switch
            {
                0 => (RequestStatus.Error, 0L),                                          // failed before output: free
                1 when !embedding => (RequestStatus.Error, (long)random.Next(1, maxOut)), // broken stream: pays for what it used
                _ => (RequestStatus.Success, embedding ? 0L : random.Next(1, maxOut + 1)),
            };
            var input = random.Next(1, maxIn + 1);
            var cached = random.Next(3) == 0 ? random.Next(0, input + 1) : 0;
            await SettleAsync(history, hold, key, model, input, output, cached, status, tags, reservedAt);
        }
    }

    private async Task SettleAsync(History history, MeteredHold hold, long key, string model, long input, long output, long cached,
        string status, IReadOnlyList<string> tags, DateTime reservedAt)
    {
        var settled = Ok(await Meter.SettleAsync(new MeterSettleCommand(hold.ReservationId, new TokenCounts(input, output, cached), status,
            status == RequestStatus.Error ? "upstream_503" : null, 900, 120, true, null, "198.51.100.4", "tests/1.0"), Ct));
        history.Calls.Add(new Call(hold.ReservationId, key, model, status, input, output, cached, settled.Cost, settled.MarketCost, hold.Held,
            tags.Order(StringComparer.Ordinal).ToList(), reservedAt, Now));
    }

    private async Task ReleaseAsync(History history, Random random)
    {
        Clock.Advance(TimeSpan.FromMinutes(3));
        var hold = Ok(await Meter.ReserveAsync(Reserve(history.KeyB, "gpt-4o-mini", random.Next(1_000, 5_000), 500, ["batch"]), Ct));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Ok(await Meter.ReleaseAsync(hold.ReservationId, "client disconnected", Ct));
        history.Released.Add((Now, hold.Held));
    }

    private async Task PostAsync(History history, string type, Money amount)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        Ok(await Ledger.PostAsync(new PostRequest(history.AccountId, type, amount, $"{type} for tests", Tester), Ct));
        history.Posts.Add((Now, type, amount));
    }

    protected async Task<long> NewKeyAsync(long accountId, string name)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var key = new ApiKey { AccountId = accountId, Name = name, Prefix = "bc_test", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = Now };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return key.Id;
    }

    protected static MeterReserveCommand Reserve(long keyId, string model, long maxIn, long maxOut, IReadOnlyList<string> tags) =>
        new(Guid.NewGuid().ToString("N"), keyId, model, maxIn, maxOut, tags);

    protected static T Ok<T>(LedgerResult<T> result) where T : class
    {
        Assert.True(result.Succeeded, $"Expected success but got {result.Failure}");
        return result.Value!;
    }

    protected static Money Sum(IEnumerable<Money> amounts) => amounts.Aggregate(Money.Zero, (s, m) => s + m);

    /// <summary>Σ amount and count of an account's entries of one type in a month, straight from ledger_entries.</summary>
    protected async Task<(long Count, long Amount)> LedgerSumAsync(long accountId, BillingMonth month, string type)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var (start, end) = (month.Start, month.End);
        var entries = db.LedgerEntries.Where(e => e.AccountId == accountId && e.Type == type && e.CreatedAt >= start && e.CreatedAt < end);
        return (await entries.LongCountAsync(Ct), await entries.SumAsync(e => e.Amount, Ct));
    }
}

public sealed class SqliteUsageConformanceTests(SqliteLedgerDatabase db) : UsageConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresUsageConformanceTests(PostgresLedgerDatabase db) : UsageConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerUsageConformanceTests(SqlServerLedgerDatabase db) : UsageConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
