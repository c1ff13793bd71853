using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Metering;

/// <summary>Metering through the real ledger batches on every provider: holds, prices, request records, rollups, limits.</summary>
public abstract partial class MeteringConformanceTests(LedgerDatabase database) : IAsyncLifetime
{
    protected readonly LedgerDatabase Db = database;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
    protected PriceCatalog Catalog = null!;
    protected MeteringService Meter = null!;

    // A test model with a price that is not a whole number of nano-dollars per token ($0.0375 / $0.1125 / $0.00375 per
    // million), and a second version from 2026-04-01.
    protected const string OddModel = "test-odd-price";
    protected static readonly DateTime SecondVersionFrom = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    public async ValueTask InitializeAsync()
    {
        if (Db.SkipReason is not null)
            return;
        await CatalogFile.SyncAsync(Db.Factory, Ct);
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            if (!await db.CatalogModels.AnyAsync(m => m.Slug == OddModel, Ct))
            {
                var model = new CatalogModel { Provider = "test", Slug = OddModel, DisplayName = "Odd price", Type = ModelTypes.Chat, ContextWindow = 0 };
                db.CatalogModels.Add(model);
                await db.SaveChangesAsync(Ct);
                db.ModelPrices.AddRange(
                    new ModelPrice
                    {
                        ModelId = model.Id, EffectiveFrom = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                        InputPerMillion = 37_500_000, OutputPerMillion = 112_500_000, CachedInputPerMillion = 3_750_000,
                        MarketInputPerMillion = 50_000_000, MarketOutputPerMillion = 150_000_000, MarketCachedInputPerMillion = 5_000_000,
                    },
                    new ModelPrice
                    {
                        ModelId = model.Id, EffectiveFrom = SecondVersionFrom,
                        InputPerMillion = 75_000_000, OutputPerMillion = 225_000_000, CachedInputPerMillion = 7_500_000,
                        MarketInputPerMillion = 100_000_000, MarketOutputPerMillion = 300_000_000, MarketCachedInputPerMillion = 10_000_000,
                    });
                await db.SaveChangesAsync(Ct);
            }
        }
        Catalog = new PriceCatalog(Db.Factory);
        await Catalog.ReloadAsync(Ct);
        Meter = new MeteringService(Db.Writer(Clock), Catalog, Db.Factory, Clock);
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected async Task<(long AccountId, long KeyId)> NewCustomerAsync(Money balance, Money? keyLimit = null)
    {
        Db.RequireAvailable();
        var accountId = await Db.CreateAccountAsync();
        if (balance.Units > 0)
            Assert.True((await Db.Writer(Clock).PostAsync(new PostRequest(accountId, EntryTypes.Topup, balance, "Top-up", new Origin(EntrySources.Console, "tests")), Ct)).Succeeded);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var key = new ApiKey
        {
            AccountId = accountId, Name = "k", Prefix = "bc_test", SecretHash = Guid.NewGuid().ToString("N"), CreatedAt = Clock.GetUtcNow().UtcDateTime,
            MonthlySpendLimit = keyLimit?.Units,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return (accountId, key.Id);
    }

    protected static T Ok<T>(LedgerResult<T> result) where T : class
    {
        Assert.True(result.Succeeded, $"Expected success but got {result.Failure}");
        return result.Value!;
    }

    protected static void Fails<T>(LedgerResult<T> result, LedgerError error) where T : class
    {
        Assert.False(result.Succeeded, "Expected a failure but the write succeeded.");
        Assert.Equal(error, result.Failure!.Error);
    }

    protected static MeterReserveCommand Reserve(long keyId, string model, long maxIn, long maxOut, string? key = null, IReadOnlyList<string>? tags = null) =>
        new(key ?? Guid.NewGuid().ToString("N"), keyId, model, maxIn, maxOut, tags);

    protected static MeterSettleCommand Settle(long reservationId, long input, long output, long cached = 0, string status = RequestStatus.Success) =>
        new(reservationId, new TokenCounts(input, output, cached), status, status == RequestStatus.Error ? "upstream_503" : null, 820, 140, true, "openai", "203.0.113.7", "gateway/1.0");

    protected ModelPrice PriceOf(string slug, DateTime at) => Catalog.FindBySlug(slug)!.PriceAt(at)!;

    protected async Task AssertInvariantsHoldAsync(params long[] accountIds)
    {
        var run = await new InvariantChecker(Db.Factory, Clock).RunAsync(InvariantCheckMode.Full, accountIds, Ct);
        Assert.True(run.ViolationCount == 0, string.Join("\n", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
    }
}

public sealed class SqliteMeteringConformanceTests(SqliteLedgerDatabase db) : MeteringConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresMeteringConformanceTests(PostgresLedgerDatabase db) : MeteringConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerMeteringConformanceTests(SqlServerLedgerDatabase db) : MeteringConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
