using BillingConsole.TestSupport;
using BillingConsole.Web.Circuits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Web.Tests.Circuits;

/// <summary>The distributed cache over the billing database on each provider: what one instance writes another reads,
/// entries expire at their time, a write replaces, a remove removes, expired rows are swept, and HybridCache on two
/// instances hands a value from one to the other through the table.</summary>
public abstract class DatabaseDistributedCacheTests(LedgerDatabase database)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private DatabaseDistributedCache Instance(TimeSpan? sweepEvery = null) => new(database.Factory, _clock,
        Options.Create(new CircuitPersistenceOptions { CacheSweepInterval = sweepEvery ?? TimeSpan.FromDays(1) }), NullLogger<DatabaseDistributedCache>.Instance);

    private static DistributedCacheEntryOptions For(TimeSpan lifetime) => new() { AbsoluteExpirationRelativeToNow = lifetime };

    private async Task<int> RowsAsync(string key)
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var id = DatabaseDistributedCache.IdOf(key);
        return await db.CacheEntries.CountAsync(e => e.Id == id, Ct);
    }

    [Fact]
    public async Task SetAsync_OnOneInstance_OtherInstanceReadsUntilExpiry()
    {
        database.RequireAvailable();
        var key = $"circuit-{Guid.NewGuid():N}";
        await Instance().SetAsync(key, [1, 2, 3], For(TimeSpan.FromMinutes(10)), Ct);

        Assert.Equal([1, 2, 3], await Instance().GetAsync(key, Ct));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await Instance().GetAsync(key, Ct));
    }

    [Fact]
    public async Task SetAsync_KeyAlreadyThere_ReplacesValueAndExpiry()
    {
        database.RequireAvailable();
        var key = $"circuit-{Guid.NewGuid():N}";
        var cache = Instance();
        await cache.SetAsync(key, [1], For(TimeSpan.FromMinutes(1)), Ct);
        await cache.SetAsync(key, [2, 2], new DistributedCacheEntryOptions { AbsoluteExpiration = _clock.GetUtcNow().AddHours(1) }, Ct);

        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal([2, 2], await Instance().GetAsync(key, Ct));
        Assert.Equal(1, await RowsAsync(key));
    }

    [Fact]
    public async Task SetAsync_ManyInstancesRacingOnOneKey_OneRowWithOneOfTheValues()
    {
        database.RequireAvailable();
        var key = $"circuit-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Instance().SetAsync(key, [(byte)i], For(TimeSpan.FromMinutes(5)), Ct)));

        var value = Assert.Single((await Instance().GetAsync(key, Ct))!);
        Assert.InRange(value, 1, 8);
        Assert.Equal(1, await RowsAsync(key));
    }

    [Fact]
    public async Task RemoveAsync_StoredKey_GoneForEveryInstance()
    {
        database.RequireAvailable();
        var key = $"circuit-{Guid.NewGuid():N}";
        await Instance().SetAsync(key, [7], For(TimeSpan.FromMinutes(5)), Ct);

        await Instance().RemoveAsync(key, Ct);

        Assert.Null(await Instance().GetAsync(key, Ct));
        Assert.Equal(0, await RowsAsync(key));
    }

    [Fact]
    public async Task GetAsync_SweepDue_DeletesExpiredRowsOnly()
    {
        database.RequireAvailable();
        var expired = $"circuit-{Guid.NewGuid():N}";
        var live = $"circuit-{Guid.NewGuid():N}";
        var writer = Instance();
        await writer.SetAsync(expired, [1], For(TimeSpan.FromMinutes(1)), Ct);
        await writer.SetAsync(live, [2], For(TimeSpan.FromHours(1)), Ct);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var sweeper = Instance(sweepEvery: TimeSpan.FromMinutes(1));
        Assert.Null(await sweeper.GetAsync(expired, Ct)); // not due yet: an instance sweeps one interval after it starts
        Assert.Equal(1, await RowsAsync(expired));

        // Now due: the call starts a sweep in the background.
        _clock.Advance(TimeSpan.FromMinutes(1));
        await sweeper.GetAsync(live, Ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await RowsAsync(expired) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50, Ct);

        Assert.Equal(0, await RowsAsync(expired));
        Assert.Equal(1, await RowsAsync(live));
    }

    [Fact]
    public async Task HybridCache_SetOnOneInstance_ReadByAnotherThroughTheDatabase()
    {
        database.RequireAvailable();
        var key = $"circuit-{Guid.NewGuid():N}";
        HybridCache HybridOver(DatabaseDistributedCache cache)
        {
            var services = new ServiceCollection().AddSingleton<IDistributedCache>(cache);
            services.AddHybridCache();
            return services.BuildServiceProvider().GetRequiredService<HybridCache>();
        }
        var a = HybridOver(Instance());
        var b = HybridOver(Instance());

        await a.SetAsync(key, new Paused("transactions", 3), new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5) }, cancellationToken: Ct);
        var read = await b.GetOrCreateAsync(key, _ => ValueTask.FromResult<Paused?>(null),
            new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite },
            cancellationToken: Ct);

        Assert.Equal(new Paused("transactions", 3), read);
        Assert.Equal(1, await RowsAsync(key));
    }

    public sealed record Paused(string Tab, int Pages);
}

public sealed class SqliteDatabaseDistributedCacheTests(SqliteLedgerDatabase database) : DatabaseDistributedCacheTests(database), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresDatabaseDistributedCacheTests(PostgresLedgerDatabase database) : DatabaseDistributedCacheTests(database), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerDatabaseDistributedCacheTests(SqlServerLedgerDatabase database) : DatabaseDistributedCacheTests(database), IClassFixture<SqlServerLedgerDatabase>;
