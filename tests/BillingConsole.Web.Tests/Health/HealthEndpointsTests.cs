using System.Net;
using System.Text.Json;
using BillingConsole.Web.Tests.Workers;
using BillingConsole.Web.Workers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Web.Tests.Health;

/// <summary>/healthz and /readyz over real HTTP on the real console: ready on a migrated database, 503 naming the check
/// when a migration is pending, the database is gone, or a worker has not succeeded for three intervals.</summary>
public sealed class HealthEndpointsTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> GetAsync(TestConsoleHost host, string path)
    {
        using var client = host.Client();
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static string CheckStatus(JsonElement body, string check) => body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task Readyz_MigratedDatabase_Returns200WithEachCheckHealthy()
    {
        await using var host = new TestConsoleHost("Development", new Dictionary<string, string?>());
        host.Start();

        var (status, body, text) = await GetAsync(host, "/readyz");
        var (liveStatus, live, _) = await GetAsync(host, "/healthz");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", CheckStatus(body, "database"));
        Assert.Equal("healthy", CheckStatus(body, "migrations"));
        Assert.Equal("healthy", CheckStatus(body, "workers"));
        Assert.True(body.GetProperty("checks").GetProperty("workers").GetProperty("data").TryGetProperty("HoldExpiry", out _), text);
        Assert.DoesNotContain("Data Source", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(host.DatabasePath, text);
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("healthy", live.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_PendingMigration_Returns503NamingMigrations()
    {
        await using var host = new TestConsoleHost("Development", new Dictionary<string, string?>());
        host.Start();
        string last;
        await using (var db = await host.DbFactory.CreateDbContextAsync(Ct))
        {
            last = (await db.Database.GetAppliedMigrationsAsync(Ct)).Last();
            // As if this build were newer than the database: its last migration is not recorded as applied.
            await db.Database.ExecuteSqlAsync($"DELETE FROM __EFMigrationsHistory WHERE migration_id = {last}", Ct);
        }

        var (status, body, text) = await GetAsync(host, "/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("unhealthy", CheckStatus(body, "migrations"));
        Assert.Equal("healthy", CheckStatus(body, "database"));
        Assert.Contains(last, text);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/healthz")).Status);
    }

    [Fact]
    public async Task Readyz_DatabaseGone_Returns503NamingDatabase()
    {
        var path = Path.Combine(Path.GetTempPath(), $"billing-health-{Guid.NewGuid():N}.db");
        File.WriteAllBytes(path, []); // an empty file is an empty SQLite database; ReadWrite mode never creates one again
        try
        {
            await using var host = new TestConsoleHost("Development", new Dictionary<string, string?>
            {
                ["ConnectionStrings:Billing"] = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = 5 }.ToString(),
            });
            host.Start();
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/readyz")).Status);
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                File.Delete(file);

            var (status, body, text) = await GetAsync(host, "/readyz");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unhealthy", CheckStatus(body, "database"));
            Assert.DoesNotContain(path, text);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                File.Delete(file);
        }
    }

    [Fact]
    public async Task Readyz_WorkerWithoutSuccessForThreeIntervals_Returns503NamingTheWorker()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new FakeClockHost(clock, (n, _) => n == 1
            ? Task.FromResult(WorkerRunResult.Idle("first run fine"))
            : throw new InvalidOperationException("stuck"));
        host.Start();
        await UntilAsync(() => host.Services.GetRequiredService<WorkerMetrics>().Heartbeats.Any(h => h.Worker == "Scripted" && h.LastSuccessAt is not null));

        clock.Advance(TimeSpan.FromMinutes(3)); // three intervals of failing runs: still within the allowance
        var (readyStatus, _, readyText) = await GetAsync(host, "/readyz");
        clock.Advance(TimeSpan.FromSeconds(2));
        var (status, body, text) = await GetAsync(host, "/readyz");

        Assert.True(readyStatus == HttpStatusCode.OK, readyText);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", CheckStatus(body, "workers"));
        Assert.Equal("healthy", CheckStatus(body, "database"));
        var description = body.GetProperty("checks").GetProperty("workers").GetProperty("description").GetString()!;
        Assert.Contains("Scripted", description);
        Assert.DoesNotContain("HoldExpiry", description); // hourly workers that ran at start are not stale
        Assert.Equal(182, body.GetProperty("checks").GetProperty("workers").GetProperty("data").GetProperty("Scripted").GetDouble(), 0);
        Assert.DoesNotContain("stuck", text); // the run's exception stays in the log, not the body
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The console on a fake clock with one extra worker (every minute) whose runs the test scripts.</summary>
    private sealed class FakeClockHost(FakeTimeProvider clock, Func<int, CancellationToken, Task<WorkerRunResult>> run)
        : TestConsoleHost("Development", new Dictionary<string, string?>())
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<IHostedService>(sp => new ScriptedWorker(clock, sp.GetRequiredService<WorkerMetrics>(),
                    NullLogger.Instance, TimeSpan.FromMinutes(1), run));
            });
        }
    }
}
