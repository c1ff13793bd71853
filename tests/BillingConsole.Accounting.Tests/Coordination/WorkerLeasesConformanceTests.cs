using BillingConsole.Accounting.Coordination;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Coordination;

/// <summary>The periodic jobs' leases on every provider: instances racing for one job never overlap, a holder keeps its
/// lease across runs, and a crashed holder's lease is taken over only once it expired.</summary>
public abstract class WorkerLeasesConformanceTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(90);
    private readonly LedgerDatabase _db = database;

    private static string Job() => $"job-{Guid.NewGuid():N}"[..20];

    private async Task<WorkerLease> RowAsync(string name)
    {
        await using var db = await _db.Factory.CreateDbContextAsync(Ct);
        return await db.WorkerLeases.AsNoTracking().SingleAsync(l => l.Name == name, Ct);
    }

    [Fact]
    public async Task TryStartRunAsync_TwoInstancesRacingManyTicks_NeverOverlapAndNumberEveryRunOnce()
    {
        _db.RequireAvailable();
        var name = Job();
        var instances = new[] { new WorkerLeases(_db.Factory, TimeProvider.System, "a"), new WorkerLeases(_db.Factory, TimeProvider.System, "b") };
        var active = 0;
        var maxActive = 0;
        var runs = new List<(long Number, string Holder)>();
        var skipped = 0;

        // Each instance ticks as fast as it can and hands the lease back after each run, so every tick is a race.
        async Task InstanceAsync(WorkerLeases leases)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                lock (runs)
                    if (runs.Count(r => r.Holder == "a") >= 15 && runs.Count(r => r.Holder == "b") >= 15)
                        return;
                var number = await leases.TryStartRunAsync(name, Duration, Ct);
                if (number is null)
                {
                    Interlocked.Increment(ref skipped);
                    await Task.Delay(1, Ct);
                    continue;
                }
                var now = Interlocked.Increment(ref active);
                lock (runs)
                {
                    maxActive = Math.Max(maxActive, now);
                    runs.Add((number.Value, leases.Holder));
                }
                await Task.Delay(Random.Shared.Next(0, 4), Ct);
                Interlocked.Decrement(ref active);
                Assert.True(await leases.RenewAsync(name, Duration, finished: true, Ct));
                await leases.ReleaseAsync(name, Ct);
                await Task.Delay(1, Ct);
            }
        }

        await Task.WhenAll(instances.Select(i => Task.Run(() => InstanceAsync(i), Ct)));

        Assert.Equal(1, maxActive);
        Assert.Equal(Enumerable.Range(1, runs.Count).Select(n => (long)n), runs.Select(r => r.Number).Order());
        Assert.True(runs.Count(r => r.Holder == "a") >= 15 && runs.Count(r => r.Holder == "b") >= 15,
            $"both instances should have run: {runs.Count(r => r.Holder == "a")} and {runs.Count(r => r.Holder == "b")}");
        Assert.True(skipped > 0);
        Assert.Equal(runs.Count, (await RowAsync(name)).RunCount);
    }

    [Fact]
    public async Task TryStartRunAsync_HolderCrashed_AnotherInstanceTakesOverOnlyAfterExpiry()
    {
        _db.RequireAvailable();
        var name = Job();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var a = new WorkerLeases(_db.Factory, clock, "instance-a");
        var b = new WorkerLeases(_db.Factory, clock, "instance-b");

        Assert.Equal(1, await a.TryStartRunAsync(name, Duration, Ct));
        Assert.True(await a.RenewAsync(name, Duration, finished: true, Ct));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await a.TryStartRunAsync(name, Duration, Ct));
        // a crashes here, mid-run: it neither finishes nor hands the lease back.
        clock.Advance(Duration - TimeSpan.FromSeconds(1));
        Assert.Null(await b.TryStartRunAsync(name, Duration, Ct));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, await b.TryStartRunAsync(name, Duration, Ct));

        Assert.False(await a.RenewAsync(name, Duration, finished: true, Ct));
        Assert.Null(await a.TryStartRunAsync(name, Duration, Ct));
        var row = await RowAsync(name);
        Assert.Equal(("instance-b", 3L, clock.GetUtcNow().UtcDateTime, clock.GetUtcNow().UtcDateTime + Duration),
            (row.Holder, row.RunCount, row.AcquiredAt, row.ExpiresAt));
    }

    [Fact]
    public async Task ReleaseAsync_HolderStopping_AnotherInstanceTakesOverAtItsNextTick()
    {
        _db.RequireAvailable();
        var name = Job();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var a = new WorkerLeases(_db.Factory, clock, "instance-a");
        var b = new WorkerLeases(_db.Factory, clock, "instance-b");
        Assert.Equal(1, await a.TryStartRunAsync(name, Duration, Ct));
        Assert.True(await a.RenewAsync(name, Duration, finished: true, Ct));
        Assert.Null(await b.TryStartRunAsync(name, Duration, Ct));

        await b.ReleaseAsync(name, Ct); // not b's to hand back: changes nothing
        Assert.Null(await b.TryStartRunAsync(name, Duration, Ct));
        await a.ReleaseAsync(name, Ct);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, await b.TryStartRunAsync(name, Duration, Ct));
        var row = await RowAsync(name);
        Assert.Equal(("instance-b", 2L), (row.Holder, row.RunCount));
        Assert.NotNull(row.LastRunFinishedAt);
    }

    [Fact]
    public async Task TryStartRunAsync_FirstRunRacedByManyInstances_CreatesOneLease()
    {
        _db.RequireAvailable();
        var name = Job();
        var instances = Enumerable.Range(0, 8).Select(i => new WorkerLeases(_db.Factory, TimeProvider.System, $"instance-{i}")).ToList();

        var numbers = await Task.WhenAll(instances.Select(i => Task.Run(() => i.TryStartRunAsync(name, Duration, Ct), Ct)));

        Assert.Equal(1, Assert.Single(numbers, n => n is not null));
        var row = await RowAsync(name);
        Assert.Equal(instances[Array.FindIndex(numbers, n => n is not null)].Holder, row.Holder);
        Assert.Equal(1, row.RunCount);
    }

    [Fact]
    public void Holder_DefaultPerProcess_NamesMachineAndProcess()
    {
        var holder = new WorkerLeases(null!, TimeProvider.System).Holder;

        Assert.StartsWith($"{Environment.MachineName}/{Environment.ProcessId}/", holder);
        Assert.NotEqual(holder, new WorkerLeases(null!, TimeProvider.System).Holder);
    }
}

public sealed class SqliteWorkerLeasesConformanceTests(SqliteLedgerDatabase db) : WorkerLeasesConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresWorkerLeasesConformanceTests(PostgresLedgerDatabase db) : WorkerLeasesConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerWorkerLeasesConformanceTests(SqlServerLedgerDatabase db) : WorkerLeasesConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
