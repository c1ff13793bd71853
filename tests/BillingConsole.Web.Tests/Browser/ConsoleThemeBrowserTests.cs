using BillingConsole.Demo;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>Light and dark palettes come with the page (App.razor) and the layout marks the page dark: the toggle and
/// the system's colour scheme (at sign-in and while the page is open) switch the whole page, body included; before the
/// circuit knows the scheme (the prerendered page), the palette follows the system by CSS.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class ConsoleThemeBrowserTests(BrowserSession browser, ConsoleApp app)
{
    // ConsoleTheme's backgrounds, #f4f6fa and #0f1623.
    private const string LightBackground = "rgb(244, 246, 250)";
    private const string DarkBackground = "rgb(15, 22, 35)";

    [Fact]
    public async Task DarkModeToggle_AndTheSystemTurningDark_SwitchThePalette()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);
        var body = page.Locator("body");
        await Assertions.Expect(body).ToHaveCSSAsync("background-color", LightBackground);

        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode" }).ClickAsync();
        await Assertions.Expect(body).ToHaveCSSAsync("background-color", DarkBackground);
        // An inactive tab in the dark palette's primary text (#e5e9f0), readable; also lets the colours settle before
        // the screenshot (one taken at once caught text mid-change).
        await Assertions.Expect(page.Locator("#billing-tab-transactions")).ToHaveCSSAsync("color", "rgb(229, 233, 240)");
        await ConsolePages.ScreenshotAsync(page, "layout-dark");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode" }).ClickAsync();
        await Assertions.Expect(body).ToHaveCSSAsync("background-color", LightBackground);

        // As MudThemeProvider's watcher did: the system's change is followed while the page is open.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Assertions.Expect(body).ToHaveCSSAsync("background-color", DarkBackground);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode" })).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("dark", DarkBackground)]
    [InlineData("light", LightBackground)]
    public async Task PrerenderedPage_BeforeAnyScriptRuns_IsInTheSystemsScheme(string scheme, string background)
    {
        // Without JavaScript the page is only what the server prerendered: no circuit, no question to the browser.
        var page = await browser.NewPageAsync(app.BaseAddress, javaScript: false);
        await page.EmulateMediaAsync(new() { ColorScheme = scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light });

        await page.GotoAsync("/signin");

        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", background);
    }

    [Fact]
    public async Task SystemInDarkMode_PageStartsDark()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });

        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);

        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", DarkBackground);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-appbar")).ToHaveCSSAsync("background-color", "rgb(11, 18, 32)");
    }
}
