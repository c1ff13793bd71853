using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>What every browser test does: sign in through the development sign-in page and wait for the live circuit.</summary>
public static class ConsolePages
{
    /// <summary>Opens <paramref name="path"/>, is sent to the sign-in page, picks <paramref name="email"/> and lands back.</summary>
    public static async Task SignInAsync(IPage page, string email, string path = "/billing")
    {
        await page.GotoAsync(path);
        await page.WaitForURLAsync(url => url.Contains("/signin"));
        await page.Locator($"form:has(input[name='email'][value='{email}']) button[type='submit']").ClickAsync();
        // The first sign-in of a run also starts the circuit machinery on a cold server: allow it the circuit's 60 s.
        await page.WaitForURLAsync(url => url.Contains(path) && !url.Contains("/signin"), new() { Timeout = 60_000 });
        await WaitForCircuitAsync(page);
    }

    /// <summary>Prerendered HTML shows before the interactive circuit is up; wait until Blazor is connected.</summary>
    public static async Task WaitForCircuitAsync(IPage page) =>
        await page.Locator("[data-testid='interactive'][data-ready='true']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotFolder, name + ".png"), FullPage = false });
}
