using System.Security.Cryptography;
using System.Text;
using BillingConsole.Accounting.Coordination;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Circuits;

/// <summary>
/// <see cref="IDistributedCache"/> over the billing database (<c>distributed_cache</c>), so every instance reads what
/// another stored without a cache server to run. Entries expire at an absolute time (a sliding expiration counts from
/// the write: nothing here needs renewal on read); reads ignore expired rows and, at most every
/// <see cref="CircuitPersistenceOptions.CacheSweepInterval"/>, one call starts a sweep that deletes them.
/// </summary>
public sealed partial class DatabaseDistributedCache(IDbContextFactory<BillingDbContext> contexts, TimeProvider clock,
    IOptions<CircuitPersistenceOptions> options, ILogger<DatabaseDistributedCache> log) : IDistributedCache
{
    /// <summary>What an entry written without any expiration lives (the same as SQL Server's cache package).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(20);

    // The first sweep is one interval after the instance starts, not on its first call: the other instances are
    // already sweeping, and an expired row is never read anyway. (Sweeping on the first call also let a just-started
    // instance, with its own clock, delete rows at once; the cache tests raced on that.)
    private long _nextSweepTicks = (clock.GetUtcNow() + options.Value.CacheSweepInterval).UtcTicks;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        StartSweepIfDue();
        var id = IdOf(key);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(token);
        return await db.CacheEntries.Where(e => e.Id == id && e.ExpiresAt > now).Select(e => e.Value).FirstOrDefaultAsync(token);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        StartSweepIfDue();
        var id = IdOf(key);
        var expiresAt = ExpiryOf(options);
        await using var db = await contexts.CreateDbContextAsync(token);
        if (await UpdateAsync(db, id, value, expiresAt, token) > 0)
            return;
        db.CacheEntries.Add(new CacheEntry { Id = id, Value = value, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(token);
        }
        catch (DbUpdateException)
        {
            // Another instance inserted the key between our update and insert: last writer wins, as with any cache.
            db.ChangeTracker.Clear();
            await UpdateAsync(db, id, value, expiresAt, token);
        }
    }

    // Expiry is absolute, so there is nothing to refresh.
    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        var id = IdOf(key);
        await using var db = await contexts.CreateDbContextAsync(token);
        await db.CacheEntries.Where(e => e.Id == id).ExecuteDeleteAsync(token);
    }

    /// <summary>Deletes every expired entry; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.CacheEntries.Where(e => e.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    /// <summary>The stored id: a cache key can be long and, for a circuit, is its secret id, which the table never holds.</summary>
    public static string IdOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private DateTime ExpiryOf(DistributedCacheEntryOptions entry)
    {
        var now = clock.GetUtcNow();
        var at = entry.AbsoluteExpiration
            ?? now + (entry.AbsoluteExpirationRelativeToNow ?? entry.SlidingExpiration ?? DefaultLifetime);
        return at.UtcDateTime;
    }

    private static Task<int> UpdateAsync(BillingDbContext db, string id, byte[] value, DateTime expiresAt, CancellationToken ct) =>
        db.CacheEntries.Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Value, value).SetProperty(e => e.ExpiresAt, expiresAt), ct);

    private void StartSweepIfDue()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTicks, now + options.Value.CacheSweepInterval.Ticks, next) != next)
            return;
        // In the background: a caller never waits for the sweep, and a failed sweep only leaves rows for the next one.
        _ = Task.Run(async () =>
        {
            try
            {
                var deleted = await SweepAsync();
                LogSwept(deleted);
            }
            catch (Exception e)
            {
                LogSweepFailed(e);
            }
        });
    }

    [LoggerMessage(LogLevel.Debug, "Swept {Deleted} expired distributed cache entries")]
    private partial void LogSwept(int deleted);

    [LoggerMessage(LogLevel.Warning, "Sweeping expired distributed cache entries failed; the next sweep retries")]
    private partial void LogSweepFailed(Exception e);
}
