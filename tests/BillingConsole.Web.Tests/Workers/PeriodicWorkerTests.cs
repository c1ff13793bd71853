using System.Diagnostics.Metrics;
using BillingConsole.Web.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Web.Tests.Workers;

/// <summary>The workers' shared loop on a fake clock: interval, one run at a time, failures logged and retried, and a
/// log line and metrics per run.</summary>
public sealed class PeriodicWorkerTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _log = new();
    private readonly WorkerMetrics _metrics;
    private readonly MetricCollector<long> _runs;
    private readonly MetricCollector<double> _durations;

    public PeriodicWorkerTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new WorkerMetrics(meters);
        _runs = new MetricCollector<long>(meters, WorkerMetrics.MeterName, WorkerMetrics.RunsName);
        _durations = new MetricCollector<double>(meters, WorkerMetrics.MeterName, WorkerMetrics.DurationName);
    }

    public void Dispose()
    {
        _runs.Dispose();
        _durations.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task ExecuteAsync_RunThrows_LogsTheErrorAndRunsAgainOnTheNextTick()
    {
        using var worker = Worker((n, _) => n == 1
            ? throw new InvalidOperationException("database unavailable")
            : Task.FromResult(WorkerRunResult.Worked("recovered")));

        await worker.StartAsync(Ct);
        await UntilAsync(() => _runs.GetMeasurementSnapshot().Count == 1);
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(100, Ct);
        Assert.Equal(1, worker.Started);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await UntilAsync(() => _runs.GetMeasurementSnapshot().Count == 2);
        await worker.StopAsync(Ct);

        var error = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Equal("database unavailable", error.Exception?.Message);
        Assert.Contains("Scripted run failed", error.Message);
        Assert.Equal(2, worker.Started);
        Assert.Equal(["failed", "worked"], _runs.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.Contains(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("recovered"));
    }

    [Fact]
    public async Task ExecuteAsync_RunLongerThanSeveralIntervals_RunsNeverOverlapAndMissedTicksCollapse()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var worker = Worker(async (n, _) =>
        {
            if (n == 1)
                await release.Task;
            return WorkerRunResult.Idle();
        });

        await worker.StartAsync(Ct);
        // ExecuteAsync runs on the thread pool (.NET 10): advance the clock only once its timer exists.
        await UntilAsync(() => worker.Started == 1);
        for (var i = 0; i < 5; i++)
            _clock.Advance(Interval);
        await Task.Delay(100, Ct);
        Assert.Equal(1, worker.Started);
        release.SetResult();
        await UntilAsync(() => worker.Completed == 2);
        await Task.Delay(100, Ct);
        await worker.StopAsync(Ct);

        Assert.Equal(1, worker.MaxConcurrent);
        // Five ticks passed during the long run: one more run follows it, not five.
        Assert.Equal(2, worker.Started);
    }

    [Fact]
    public async Task ExecuteAsync_EveryRun_LogsItsDurationAndOutcomeAndRecordsMetrics()
    {
        using var worker = Worker((n, _) =>
        {
            _clock.Advance(TimeSpan.FromSeconds(3));
            return Task.FromResult(n == 1 ? WorkerRunResult.Worked("released 4 expired holds") : WorkerRunResult.Idle("no expired holds"));
        });

        await worker.StartAsync(Ct);
        await UntilAsync(() => _runs.GetMeasurementSnapshot().Count == 1);
        // The first run took 3 s of the interval; the second comes when the rest has passed.
        _clock.Advance(Interval - TimeSpan.FromSeconds(3));
        await UntilAsync(() => _runs.GetMeasurementSnapshot().Count == 2);
        await worker.StopAsync(Ct);

        var lines = _log.Collector.GetSnapshot();
        Assert.Contains(lines, r => r.Level == LogLevel.Information && r.Message == "Scripted run worked in 3000 ms: released 4 expired holds");
        Assert.Contains(lines, r => r.Level == LogLevel.Debug && r.Message == "Scripted run idle in 3000 ms: no expired holds");
        var durations = _durations.GetMeasurementSnapshot();
        Assert.Equal([3.0, 3.0], durations.Select(m => m.Value));
        Assert.All(durations, m => Assert.Equal("Scripted", m.Tags["worker"]));
        Assert.Equal(["worked", "idle"], _runs.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
    }

    [Fact]
    public async Task StopAsync_DuringARun_CancelsItWithoutLoggingAFailure()
    {
        using var worker = Worker(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return WorkerRunResult.Idle();
        });

        await worker.StartAsync(Ct);
        await UntilAsync(() => worker.Started == 1);
        await worker.StopAsync(Ct);

        Assert.DoesNotContain(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Empty(_runs.GetMeasurementSnapshot());
    }

    private ScriptedWorker Worker(Func<int, CancellationToken, Task<WorkerRunResult>> run) => new(_clock, _metrics, _log, Interval, run);

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The worker did not get there within 10 s.");
            await Task.Delay(10, Ct);
        }
    }
}
