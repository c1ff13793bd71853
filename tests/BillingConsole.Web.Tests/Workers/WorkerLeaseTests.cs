using BillingConsole.Accounting.Coordination;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Hosting;
using BillingConsole.Web.Workers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Web.Tests.Workers;

/// <summary>The workers' loop with leases on one PostgreSQL database, as two instances run it: the instance without the
/// lease skips (and counts the skip), a crashed holder's job is taken over after expiry, a long run keeps its lease
/// alive, and the jobs stay correct when two run without a lease at all.</summary>
[Trait("Speed", "Slow")]
public sealed class WorkerLeaseTests(PostgresLedgerDatabase database) : IClassFixture<PostgresLedgerDatabase>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _services.Dispose();

    private (ScriptedWorker Worker, FakeLogger Log) Instance(string holder, string job, Func<int, CancellationToken, Task<WorkerRunResult>>? run = null)
    {
        var log = new FakeLogger();
        var metrics = new WorkerMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new WorkerLeases(database.Factory, _clock, holder));
        return (new ScriptedWorker(_clock, metrics, log, Interval, run ?? ((_, _) => Task.FromResult(WorkerRunResult.Worked("did it"))), job), log);
    }

    private async Task<WorkerLease> LeaseAsync(string job)
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        return await db.WorkerLeases.AsNoTracking().SingleAsync(l => l.Name == job, Ct);
    }

    [Fact]
    public async Task RunAsync_AnotherInstanceHoldsTheLease_SkipsCountsItAndTakesOverOnlyAfterExpiry()
    {
        database.RequireAvailable();
        var job = $"skip-{Guid.NewGuid():N}"[..20];
        var (a, aLog) = Instance("instance-a", job);
        var (b, bLog) = Instance("instance-b", job);
        using var runs = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), WorkerMetrics.MeterName, WorkerMetrics.RunsName);

        await a.RunAsync(Ct);
        await b.RunAsync(Ct);
        _clock.Advance(Interval);
        await a.RunAsync(Ct);
        await b.RunAsync(Ct);
        Assert.Equal((2, 0), (a.Started, b.Started));
        Assert.Equal(["worked", "skipped", "worked", "skipped"], runs.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Contains(bLog.Collector.GetSnapshot(), r => r.Level == LogLevel.Debug && r.Message.Contains("another instance holds the lease"));
        Assert.Contains(aLog.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("(run 2 on instance-a,"));

        // a crashes: its lease runs three intervals from its last run, then b takes the job.
        _clock.Advance(3 * Interval - TimeSpan.FromSeconds(1));
        await b.RunAsync(Ct);
        Assert.Equal(0, b.Started);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await b.RunAsync(Ct);
        Assert.Equal(1, b.Started);
        Assert.Equal(("instance-b", 3L), ((await LeaseAsync(job)).Holder, (await LeaseAsync(job)).RunCount));
    }

    [Fact]
    public async Task RunAsync_RunLongerThanItsLease_RenewsItSoNoOtherInstanceStarts()
    {
        database.RequireAvailable();
        var job = $"long-{Guid.NewGuid():N}"[..20];
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (a, _) = Instance("instance-a", job, async (_, ct) =>
        {
            await finish.Task.WaitAsync(ct);
            return WorkerRunResult.Worked("long run");
        });
        var (b, _) = Instance("instance-b", job);

        var running = a.RunAsync(Ct);
        await UntilAsync(() => Task.FromResult(a.Started == 1));
        // Past the lease the run started with (three intervals), in small steps: each renewal (every interval) must keep
        // the lease ahead of the clock.
        var start = _clock.GetUtcNow();
        while (_clock.GetUtcNow() < start + 4 * Interval)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            await UntilAsync(async () => (await LeaseAsync(job)).ExpiresAt > _clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(30));
        }
        await b.RunAsync(Ct);
        finish.SetResult();
        await running;

        Assert.Equal((1, 0, 1), (a.Started, b.Started, a.Completed));
        Assert.Equal("instance-a", (await LeaseAsync(job)).Holder);
    }

    [Fact]
    public async Task HoldExpiryWorker_TwoInstancesRunWithoutALease_ReleaseEachExpiredHoldOnce()
    {
        database.RequireAvailable();
        var ledger = database.Writer(_clock);
        var account = await database.CreateAccountAsync();
        Assert.True((await ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.FromDollars(100), "Credit", new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded);
        var holds = new List<long>();
        for (var i = 0; i < 120; i++)
            holds.Add((await ledger.ReserveAsync(new ReserveRequest(account, Money.FromCents(10), "Hold", new Origin(EntrySources.MeteringApi, "tests"), Ttl: TimeSpan.FromMinutes(1)), Ct)).Value!.ReservationId);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var options = Options.Create(new WorkerOptions());
        // Without leases (no WorkerLeases in their metrics): what two instances would do if the lease ever failed.
        var metrics = new WorkerMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var workers = Enumerable.Range(0, 2).Select(_ => new HoldExpiryWorker(ledger, options, _clock, metrics, NullLogger<HoldExpiryWorker>.Instance)).ToList();

        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(Ct), Ct)));

        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var releases = await db.LedgerEntries.Where(e => e.AccountId == account && e.Type == EntryTypes.Release)
            .GroupBy(e => e.ReservationId).Select(g => new { Id = g.Key!.Value, Count = g.Count() }).ToListAsync(Ct);
        Assert.Equal(holds.Order(), releases.Select(r => r.Id).Order());
        Assert.All(releases, r => Assert.Equal(1, r.Count));
        Assert.Equal(Money.FromDollars(100).Units, (await db.Accounts.SingleAsync(x => x.Id == account, Ct)).Balance);
        var run = await new Accounting.Invariants.InvariantChecker(database.Factory, TimeProvider.System).RunAsync(Accounting.Invariants.InvariantCheckMode.Full, [account], Ct);
        Assert.Equal(0, run.ViolationCount);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(20, Ct);
        }
    }
}
