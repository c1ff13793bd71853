using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>
/// Headless Debian Chromium driven by Playwright (nothing is downloaded). Without Chromium the browser tests skip with
/// that reason, except in CI (CI=true), where they must run and therefore fail.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string ChromiumVariable = "BILLING_TEST_CHROMIUM";
    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }
    public string? SkipReason { get; private set; }

    /// <summary>Where screenshots go: TestResults/screenshots, kept by CI as artifacts.</summary>
    public static string ScreenshotFolder
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "BillingConsole.sln")))
                root = Path.GetDirectoryName(root) ?? AppContext.BaseDirectory;
            var folder = Path.Combine(root, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            var reason = $"Browser tests need Chromium at {path} (./test.sh installs Debian's chromium; or set {ChromiumVariable}).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("CI must run the browser tests: " + reason);
            SkipReason = reason;
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (own cookies) at a desktop size; skips the test when there is no browser.
    /// Without JavaScript a page stays as the server prerendered it.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, int width = 1400, int height = 1000, bool javaScript = true)
    {
        if (SkipReason is not null)
            Assert.Skip(SkipReason);
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            JavaScriptEnabled = javaScript,
        });
        context.SetDefaultTimeout(20_000);
        // A navigation renders a whole page on the server, and on a busy 2-core machine one took past 20 s (fresh-clone
        // CI run with other builds going): navigations may take the circuit's 60 s, element waits stay at 20 s.
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }
}

/// <summary>Browser tests run on their own, after the parallel collections: on a busy 2-core machine a sign-in that
/// competed with the API suites' body floods and bulk exports once waited past its 60 s (fresh-clone CI run).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSession>, ICollectionFixture<ConsoleApp>
{
    public const string Name = "browser";
}
