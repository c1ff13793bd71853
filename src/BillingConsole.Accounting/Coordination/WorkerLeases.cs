using System.Security.Cryptography;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Coordination;

/// <summary>
/// Leases that let exactly one instance of the console run each periodic job at a time, kept in <c>worker_leases</c> of
/// the ledger database (the same on all three providers, and observable there). A run takes the lease with one
/// conditional UPDATE: it succeeds for the holder itself or, once the lease expired, for anyone, and the row lock
/// decides between instances racing for an expired lease. A crashed holder's lease is taken over when it expires.
/// Expiry compares the instances' clocks, so their skew must stay well under a lease's duration (NTP).
/// </summary>
public sealed class WorkerLeases(IDbContextFactory<BillingDbContext> factory, TimeProvider clock, string? holder = null)
{
    /// <summary>This instance: machine, process id and a random suffix (two processes may share a pid in containers).</summary>
    public string Holder { get; } = holder ?? $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>Takes or keeps the lease of <paramref name="name"/> until <paramref name="duration"/> from now and counts
    /// a run; returns the run's number, or null when another instance holds an unexpired lease.</summary>
    public async Task<long?> TryStartRunAsync(string name, TimeSpan duration, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + duration;
        var me = Holder;
        await using var db = await factory.CreateDbContextAsync(ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var taken = await db.Set<WorkerLease>()
                .Where(l => l.Name == name && (l.Holder == me || l.ExpiresAt <= now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(l => l.AcquiredAt, l => l.Holder == me ? l.AcquiredAt : now)
                    .SetProperty(l => l.Holder, me)
                    .SetProperty(l => l.ExpiresAt, expires)
                    .SetProperty(l => l.RunCount, l => l.RunCount + 1)
                    .SetProperty(l => l.LastRunStartedAt, now), ct);
            if (taken == 1)
            {
                // Read under the row lock the update took, so the number is this run's own.
                var number = await db.Set<WorkerLease>().Where(l => l.Name == name).Select(l => l.RunCount).SingleAsync(ct);
                await tx.CommitAsync(ct);
                return number;
            }
            await tx.CommitAsync(ct);
        }
        if (await db.Set<WorkerLease>().AnyAsync(l => l.Name == name, ct))
            return null;
        // The job's first run anywhere: the primary key lets one of racing instances create the row.
        db.Add(new WorkerLease { Name = name, Holder = me, AcquiredAt = now, ExpiresAt = expires, RunCount = 1, LastRunStartedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
            return 1;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<WorkerLease>().AnyAsync(l => l.Name == name, ct))
                return null;
            throw;
        }
    }

    /// <summary>Extends a held lease to <paramref name="duration"/> from now, recording the run's end when
    /// <paramref name="finished"/>; false when the lease is no longer this instance's (it expired and was taken over).</summary>
    public async Task<bool> RenewAsync(string name, TimeSpan duration, bool finished, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + duration;
        var me = Holder;
        await using var db = await factory.CreateDbContextAsync(ct);
        var leases = db.Set<WorkerLease>().Where(l => l.Name == name && l.Holder == me);
        var renewed = finished
            ? await leases.ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expires).SetProperty(l => l.LastRunFinishedAt, now), ct)
            : await leases.ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expires), ct);
        return renewed == 1;
    }

    /// <summary>Hands a held lease back (on shutdown), so another instance takes the job over at its next tick.</summary>
    public async Task ReleaseAsync(string name, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var me = Holder;
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<WorkerLease>().Where(l => l.Name == name && l.Holder == me).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, now), ct);
    }
}
