using System.Diagnostics;
using BillingConsole.Demo;
using Microsoft.Playwright;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 6: Blazor circuits of the real app in-process, opened by headless Chromium pages (one browser context
/// signed in once with the development sign-in, so every page is one more circuit of the demo customer). Memory per
/// idle circuit on the billing overview = growth of the GC heap (after full collections) over M pages of /billing,
/// minus the growth over M pages of a static file (what Playwright's client keeps per page in this same process),
/// divided by M. Then every page opens the transactions tab; "Load more" is timed in the page, from the click until the
/// next 50 rows are in the DOM: all pages at the same moment, R rounds (a burst, with every renderer busy on the same 2
/// cores as the server), then one page alone, 10 times, while the other circuits stay connected.
/// </summary>
public static class CircuitsScenario
{
    public const string ChromiumVariable = "BILLING_TEST_CHROMIUM";
    private const int Rounds = 3;
    private const int SoloClicks = 10;
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
        await using var app = await BenchApp.StartAsync(db, demoRequests: o.Smoke ? 500 : 2_000);
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
        var others = Math.Max(1, o.Circuits - 1);

        var heapBefore = SettledHeap();
        var statics = await OpenPagesAsync(context, others, "/css/app.css", null, new Measurements("static pages"));
        var perStaticPage = (SettledHeap() - heapBefore) / (double)others;
        foreach (var page in statics)
            await page.CloseAsync();

        var typesBefore = o.GcDumpDir is null ? null : await HeapDumps.CollectAsync(o.GcDumpDir, "before");
        heapBefore = SettledHeap();
        var open = new Measurements($"open /billing circuit ({o.Circuits} pages)");
        var pages = new List<IPage> { first };
        // In two halves: the second half's growth is what one more circuit costs, without what the process grows once
        // under the load of opening pages (thread pool threads and their array pool caches, first-use caches), which
        // the average over all pages divides among them.
        var firstHalf = others / 2;
        pages.AddRange(await OpenPagesAsync(context, firstHalf, "/billing", WaitForCircuitAsync, open));
        var heapHalf = await IdleHeapAsync(o.Out);
        pages.AddRange(await OpenPagesAsync(context, others - firstHalf, "/billing", WaitForCircuitAsync, open));
        var heapAfter = await IdleHeapAsync(o.Out);
        var perPage = (heapAfter - heapBefore) / (double)others;
        var perCircuit = perPage - perStaticPage;
        var marginal = others - firstHalf > 0 && firstHalf > 0 ? (heapAfter - heapHalf) / (double)(others - firstHalf) - perStaticPage : perCircuit;
        if (typesBefore is not null)
            HeapDumps.PrintGrowth(o.Out, typesBefore, await HeapDumps.CollectAsync(o.GcDumpDir!, "after"), others);

        await Task.WhenAll(pages.Select(async page =>
        {
            await page.GotoAsync("/billing?tab=transactions");
            await WaitForCircuitAsync(page);
            await page.Locator("[data-testid='tx-row']").Nth(49).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        }));
        var burst = new Measurements($"Load more, {pages.Count} circuits clicking at once");
        var watch = Stopwatch.StartNew();
        for (var round = 1; round <= Rounds; round++)
        {
            var expected = 50 * (round + 1);
            foreach (var ms in await Task.WhenAll(pages.Select(p => p.EvaluateAsync<double>(LoadMoreScript, expected))))
                burst.Add(ms);
        }
        burst.Elapsed = watch.Elapsed;
        var alone = new Measurements($"Load more, 1 of {pages.Count} circuits clicking");
        watch.Restart();
        for (var click = 1; click <= SoloClicks; click++)
            alone.Add(await first.EvaluateAsync<double>(LoadMoreScript, 50 * (Rounds + 1 + click)));
        alone.Elapsed = watch.Elapsed;

        var report = new BenchReport();
        report.Rows.AddRange([open, burst, alone]);
        report.Print(o.Out);
        o.Out.WriteLine($"heap per idle circuit on /billing: {perCircuit / 1024:N0} KB over {others} circuits (target <= 300 KB; " +
                        $"{perPage / 1024:N0} KB per page minus {perStaticPage / 1024:N0} KB per static page); the second half's " +
                        $"{others - firstHalf} circuits: {marginal / 1024:N0} KB each; Load more p95: " +
                        $"{burst.Percentile(95):N0} ms all at once, {alone.Percentile(95):N0} ms one at a time, {pages.Count} circuits open (target <= 250 ms)");
        // A smoke run's few circuits are within the noise of a process-wide heap reading (fresh-clone CI runs measured
        // -7.5 MB per page once): only a full run, with enough circuits to rise above it, treats no growth as broken.
        if (perPage <= 0 && !o.Smoke)
            report.Failure = "the heap did not grow with the circuits: the measurement is broken";
        else if (perPage <= 0)
            o.Out.WriteLine("smoke run: too few circuits to measure the heap per circuit; run the full scenario for that figure");
        return report;
    }

    /// <summary>Opens <paramref name="count"/> pages of <paramref name="path"/>, <see cref="OpenAtOnce"/> at a time.</summary>
    private static async Task<IPage[]> OpenPagesAsync(IBrowserContext context, int count, string path, Func<IPage, Task>? ready, Measurements timing)
    {
        using var gate = new SemaphoreSlim(OpenAtOnce);
        var watch = Stopwatch.StartNew();
        var pages = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var start = Stopwatch.GetTimestamp();
                var page = await context.NewPageAsync();
                await page.GotoAsync(path);
                if (ready is not null)
                    await ready(page);
                timing.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                return page;
            }
            finally
            {
                gate.Release();
            }
        }));
        timing.Elapsed += watch.Elapsed;
        return pages;
    }

    /// <summary>The heap once the circuits are idle: on a busy machine the browsers acknowledge their first renders
    /// (whose batches the server keeps until then) for seconds after the last page opened, so the heap is read every
    /// second until it stops shrinking (less than 1% down), for at most 60 s, instead of after a fixed wait.</summary>
    private static async Task<long> IdleHeapAsync(TextWriter output)
    {
        var started = DateTime.UtcNow;
        var heap = SettledHeap();
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var next = SettledHeap();
            if (next > heap * 0.99)
            {
                output.WriteLine($"heap settled {(DateTime.UtcNow - started).TotalSeconds:N0} s after the last page opened");
                return Math.Min(heap, next);
            }
            heap = next;
        }
        output.WriteLine("heap still shrinking 60 s after the last page opened: the figure includes what was still in flight");
        return heap;
    }

    /// <summary>The managed heap after full, compacting collections (the app runs in this process).</summary>
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
