using System.Diagnostics;
using BillingConsole.Accounting.Demo;
using Microsoft.Playwright;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 6: Blazor circuits of the real app in-process, opened by headless Chromium pages (one browser context
/// signed in once with the development sign-in, so every page is one more circuit of the demo customer). Memory per
/// idle circuit on the billing overview = growth of the server's GC heap (after full collections) over M pages, divided
/// by M; the heap is this process's, so it also holds Playwright's small per-page client objects. Then every page opens
/// the transactions tab and clicks "Load more" at the same moment, R times; the round trip is timed in the page, from
/// the click until the next 50 rows are in the DOM.
/// </summary>
public static class CircuitsScenario
{
    public const string ChromiumVariable = "BILLING_TEST_CHROMIUM";
    private const int Rounds = 3;
    private const int OpenAtOnce = 4;

    private const string LoadMoreScript = """
        (expected) => new Promise((resolve, reject) => {
          const count = () => document.querySelectorAll("[data-testid='tx-row']").length;
          const start = performance.now();
          const timer = setTimeout(() => { observer.disconnect(); reject(new Error("Load more did not add rows in 60 s")); }, 60000);
          const observer = new MutationObserver(() => {
            if (count() >= expected) { observer.disconnect(); clearTimeout(timer); resolve(performance.now() - start); }
          });
          observer.observe(document.body, { childList: true, subtree: true });
          document.querySelector("[data-testid='load-more']").click();
        })
        """;

    /// <summary>Debian's Chromium, or the one <see cref="ChromiumVariable"/> names; null when there is none.</summary>
    public static string? ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        return File.Exists(path) ? path : null;
    }

    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        var chromium = ChromiumPath() ?? throw new InvalidOperationException($"The circuits scenario needs Chromium at /usr/bin/chromium (or {ChromiumVariable}).");
        await using var db = await BenchDatabase.CreateAsync(o);
        await using var app = await BenchApp.StartAsync(db);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(120_000);
        var first = await context.NewPageAsync();
        await SignInAsync(first, DemoData.CustomerEmail, "/billing");
        var heapBefore = SettledHeap();

        var open = new Measurements($"open /billing circuit ({o.Circuits} pages)");
        var pages = new List<IPage> { first };
        var watch = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(OpenAtOnce))
            pages.AddRange(await Task.WhenAll(Enumerable.Range(1, Math.Max(0, o.Circuits - 1)).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    var page = await context.NewPageAsync();
                    await page.GotoAsync("/billing");
                    await WaitForCircuitAsync(page);
                    open.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    return page;
                }
                finally
                {
                    gate.Release();
                }
            })));
        open.Elapsed = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2)); // idle: let the first renders' buffers go
        var perCircuit = (SettledHeap() - heapBefore) / (double)Math.Max(1, pages.Count - 1);

        await Task.WhenAll(pages.Select(async page =>
        {
            await page.GotoAsync("/billing?tab=transactions");
            await WaitForCircuitAsync(page);
            await page.Locator("[data-testid='tx-row']").Nth(49).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }));
        var loadMore = new Measurements($"Load more, {pages.Count} circuits at once");
        watch.Restart();
        for (var round = 1; round <= Rounds; round++)
        {
            var expected = 50 * (round + 1);
            foreach (var ms in await Task.WhenAll(pages.Select(p => p.EvaluateAsync<double>(LoadMoreScript, expected))))
                loadMore.Add(ms);
        }
        loadMore.Elapsed = watch.Elapsed;

        var report = new BenchReport();
        report.Rows.AddRange([open, loadMore]);
        report.Print(o.Out);
        o.Out.WriteLine($"server heap per idle circuit on /billing: {perCircuit / 1024:N0} KB over {pages.Count - 1} circuits (target <= 300 KB); " +
                        $"Load more p95: {loadMore.Percentile(95):N0} ms with {pages.Count} circuits (target <= 250 ms)");
        if (perCircuit <= 0)
            report.Failure = "the server heap did not grow with the circuits: the measurement is broken";
        return report;
    }

    /// <summary>The server's managed heap after full, compacting collections (the app runs in this process).</summary>
    private static long SettledHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The development sign-in: /billing sends a signed-out browser to /signin, which lists the seeded users.</summary>
    private static async Task SignInAsync(IPage page, string email, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForURLAsync(url => url.Contains("/signin"));
        await page.Locator($"form:has(input[name='email'][value='{email}']) button[type='submit']").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains(path) && !url.Contains("/signin"));
        await WaitForCircuitAsync(page);
    }

    /// <summary>Prerendered HTML shows before the interactive circuit is up; the app marks the page once it is.</summary>
    private static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-testid='interactive'][data-ready='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
}
