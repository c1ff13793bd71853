using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Browser;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Reliability;

/// <summary>
/// A Blazor circuit moves between two console processes on one PostgreSQL, behind one address (a TCP forwarder playing
/// the load balancer), with a real Chromium: a circuit paused on one instance resumes on the other after the first is
/// gone (its state travels with the browser, protected by the shared Data Protection keys), and a circuit whose
/// connection dropped is stored in <c>distributed_cache</c> once its instance evicts it and resumes from there on the
/// other, and an instance stopped gracefully (SIGTERM) has the browser pause its circuit and resume it on the other by
/// itself. Each time the page keeps the user's view (pages loaded, filters) without a reload and answers clicks there.
/// </summary>
[Collection(HeavyTestsCollection.Name)]
[Trait("Speed", "Slow")]
public sealed partial class CircuitResumeTests(PostgresProcessDatabase database) : IClassFixture<PostgresProcessDatabase>
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private ConsoleProcess Console() => new(database.Provider, database.ConnectionString, new Dictionary<string, string>
    {
        ["Circuits__DisconnectedRetention"] = "00:00:02",
        // The framework's own Debug lines say which instance created, stored, found and disposed which circuit.
        ["Logging__LogLevel__Microsoft.AspNetCore.Components.Server.ComponentHub"] = "Debug",
        ["Logging__LogLevel__BillingConsole.Web.Circuits"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore.Components.Server.Circuits.CircuitHost"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Components.Server.Circuits.CircuitRegistry"] = "Debug",
        ["Logging__LogLevel__Microsoft.AspNetCore.Components.Server.Circuits.ICircuitPersistenceProvider"] = "Debug",
    })
    {
        Capture = line => line.Contains("Created circuit", StringComparison.Ordinal) || line.Contains("Disposing circuit", StringComparison.Ordinal)
            || line.Contains("circuit state", StringComparison.OrdinalIgnoreCase) || line.Contains("Pausing circuit", StringComparison.Ordinal)
            || line.Contains("evicted due to", StringComparison.Ordinal) || line.Contains("Stopping:", StringComparison.Ordinal),
    };

    [Fact]
    public async Task Circuit_PausedEvictedOrStoppedWithItsInstance_ResumesOnTheOtherWithTheUsersView()
    {
        _ = database.Factory; // skips (or fails in CI) without PostgreSQL
        await using var browser = new BrowserSession();
        await browser.InitializeAsync();
        using var a = Console();
        using var b = Console();
        await a.StartAsync(Ct); // migrates the database
        await b.StartAsync(Ct);
        var email = await CustomerWithEntriesAsync(60);
        await using var balancer = new SwitchableForwarder(a.Port);

        var page = await browser.NewPageAsync(balancer.Address);
        var console = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, m) => console.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {m.Type}: {m.Text}");
        await ConsolePages.SignInAsync(page, email, "/billing?tab=transactions");
        var rows = page.GetByTestId("tx-row");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await page.GetByTestId("load-more").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(60);
        await page.EvaluateAsync("() => window.sameDocument = true");

        // 1. The browser pauses the circuit on a (as for a tab left in the background); a then stops, and the balancer
        // sends the resume to b.
        Assert.True(await page.EvaluateAsync<bool>("() => Blazor.pauseCircuit()"));
        // Disposed after its state went to the browser (or, failing that, to the database).
        await WaitForDisposalAsync(a, PausedCircuit());
        await a.KillAsync();
        balancer.SwitchTo(b.Port);
        balancer.DropAll();
        await MarkStaleAsync(page, "[data-testid='tx-row']");
        await page.Locator("#components-resume-button").ClickAsync();

        // The resumed circuit rendered the table anew (no stale row left) with both pages, from the persisted view.
        await Assertions.Expect(page.Locator("[data-testid='tx-row']:not([data-stale])")).ToHaveCountAsync(60, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-stale]")).ToHaveCountAsync(0);
        Assert.Contains(b.Captured, l => l.Contains("Created circuit", StringComparison.Ordinal));
        // Interactive on b: a filter answers.
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var jump = page.GetByLabel("Jump to date (UTC)");
        await jump.FillAsync(yesterday);
        await jump.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("tx-jump-empty")).ToContainTextAsync(yesterday);
        // The Usage tab's period too; Usage stays the tab shown, which the resume below renders first.
        await page.GetByTestId("tab-usage").ClickAsync();
        var range = page.GetByTestId("usage-range");
        var thirtyDays = (await range.TextContentAsync())!;
        await page.Locator(".mud-input-control", new() { Has = page.GetByTestId("usage-period") }).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Last 7 days" }).ClickAsync();
        await Assertions.Expect(range).Not.ToHaveTextAsync(thirtyDays);
        var sevenDays = (await range.TextContentAsync())!;

        // 2. The connection to b drops while b runs; new connections wait (a failover) and then go to a, restarted.
        // b keeps the disconnected circuit for its retention, then stores it in the database and frees it.
        await a.StartAsync(Ct);
        await MarkStaleAsync(page, "[data-testid='usage-range']");
        balancer.Hold();
        balancer.SwitchTo(a.Port);
        balancer.DropAll();
        // Disposed after its state went to the database.
        await WaitForDisposalAsync(b, EvictedCircuit());
        Assert.True(await CachedEntriesAsync() > 0, "b evicted the circuit without storing it in distributed_cache");
        balancer.Release();

        // The browser's reconnect is refused by a (it never knew the circuit), so it resumes: a reads the database.
        await Assertions.Expect(page.Locator("[data-testid='usage-range']:not([data-stale])")).ToHaveTextAsync(sevenDays, new() { Timeout = 90_000 });
        await WaitForAsync(() => a.Captured.Any(l => l.Contains("Circuit state found", StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
            () => $"a did not log finding the circuit's state:\n{a.RecentOutput}");
        // A tab not shown at the time renders afresh on its first click (restored state is there for the first render
        // only): Transactions without the jump date.
        await page.GetByTestId("tab-transactions").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await Assertions.Expect(page.GetByTestId("tx-jump-empty")).ToHaveCountAsync(0);

        // 3. a is stopped as an orchestrator stops an instance (SIGTERM), the balancer already sending new connections
        // to b: a has the browser pause its circuit, and the browser resumes it on b by itself.
        await page.GetByTestId("load-more").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(60);
        await MarkStaleAsync(page, "[data-testid='tx-row']");
        var createdOnB = b.Captured.Count(l => l.Contains("Created circuit", StringComparison.Ordinal));
        balancer.SwitchTo(b.Port);
        await a.StopAsync(Ct);
        Assert.Contains(a.Captured, l => l.Contains("asking the browsers of 1 circuits", StringComparison.Ordinal));
        Assert.DoesNotContain(a.Captured, l => l.Contains("did not pause in time", StringComparison.Ordinal));
        try
        {
            await Assertions.Expect(page.Locator("[data-testid='tx-row']:not([data-stale])")).ToHaveCountAsync(60, new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            Assert.Fail($"{e.Message}\nbrowser:\n{string.Join("\n", console)}\na:\n{string.Join("\n", a.Captured)}\nb:\n{b.RecentOutput}");
        }
        Assert.True(b.Captured.Count(l => l.Contains("Created circuit", StringComparison.Ordinal)) > createdOnB, "b did not create the resumed circuit");
        await jump.FillAsync(yesterday);
        await jump.PressAsync("Tab");
        await Assertions.Expect(page.GetByTestId("tx-jump-empty")).ToContainTextAsync(yesterday);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded");
    }

    [GeneratedRegex(@"Pausing circuit with id (\S+) from connection")]
    private static partial Regex PausedCircuit();

    [GeneratedRegex(@"Circuit with id (\S+) evicted due to")]
    private static partial Regex EvictedCircuit();

    /// <summary>Waits for <paramref name="console"/> to log a circuit's pause or eviction, then that circuit's disposal,
    /// which the framework does only once it stored the circuit's state.</summary>
    private static async Task WaitForDisposalAsync(ConsoleProcess console, Regex started)
    {
        string? id = null;
        await WaitForAsync(() => (id = console.Captured.Select(l => started.Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null,
            TimeSpan.FromSeconds(60), () => $"no circuit matched '{started}':\n{console.RecentOutput}");
        await WaitForAsync(() => console.Captured.Any(l => l.Contains($"Disposing circuit '{id}' succeeded.", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => $"circuit {id} was not disposed:\n{console.RecentOutput}");
    }

    /// <summary>Marks the elements now in the page, so a wait can tell a fresh render from what was there.</summary>
    private static Task MarkStaleAsync(IPage page, string selector) =>
        page.EvaluateAsync("s => document.querySelectorAll(s).forEach(e => e.setAttribute('data-stale', '1'))", selector);

    private async Task<int> CachedEntriesAsync()
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        return await db.CacheEntries.CountAsync(Ct);
    }

    private async Task<string> CustomerWithEntriesAsync(int entries)
    {
        var account = await TestData.CreateAccountAsync(database.Factory);
        var ledger = new LedgerWriter(database.Factory, database.Dialect, TimeProvider.System);
        for (var i = 0; i < entries; i++)
        {
            var posted = await ledger.PostAsync(new PostRequest(account, EntryTypes.Bonus, Money.FromCents(i + 1), $"Resume test entry {i}",
                new Origin(EntrySources.Admin, "circuit-resume")), Ct);
            Assert.True(posted.Succeeded, posted.Failure?.ToString());
        }
        var email = $"resume-{account}@example.test";
        await TestData.CreateUserAsync(database.Factory, email, Roles.Customer, account);
        return email;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail(failure());
            await Task.Delay(100, Ct);
        }
    }
}
