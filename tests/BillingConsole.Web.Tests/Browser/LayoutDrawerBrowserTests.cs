using System.Text.RegularExpressions;
using BillingConsole.Demo;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>The navigation drawer (MudDrawer's markup rendered by the layout): beside the page on a desktop, toggled by
/// mouse and keyboard; on a phone closed at first, then over the page behind an overlay that a click or Escape closes.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class LayoutDrawerBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static ILocator Toggle(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });

    private static ILocator Drawer(IPage page) => page.Locator("#bc-drawer");

    private static ILocator Overlay(IPage page) => page.Locator(".mud-drawer-overlay");

    [Fact]
    public async Task Desktop_ToggleByMouseAndKeyboard_MovesTheDrawerAndThePage()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);
        var toggle = Toggle(page);
        var content = page.Locator(".mud-main-content");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-controls", "bc-drawer");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Drawer(page)).ToBeInViewportAsync();
        await Assertions.Expect(content).ToHaveCSSAsync("margin-left", "232px");
        await ConsolePages.ScreenshotAsync(page, "layout-drawer-desktop");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(Drawer(page)).Not.ToBeInViewportAsync();
        await Assertions.Expect(content).ToHaveCSSAsync("margin-left", "0px");
        // Off screen, its links are out of the tab order too.
        await Assertions.Expect(Drawer(page)).ToHaveAttributeAsync("inert", "");

        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Drawer(page)).ToBeInViewportAsync();
        await Assertions.Expect(content).ToHaveCSSAsync("margin-left", "232px");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");

        // Beside the page there is no overlay, and Escape leaves the drawer open.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(Overlay(page)).ToHaveCountAsync(0);
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Drawer(page)).ToBeInViewportAsync();
    }

    [Fact]
    public async Task Phone_DrawerOpensOverThePage_OverlayClickEscapeAndLinksCloseIt()
    {
        var page = await browser.NewPageAsync(app.BaseAddress, width: 390, height: 844);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);
        var toggle = Toggle(page);
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(Drawer(page)).Not.ToBeInViewportAsync();
        await Assertions.Expect(page.Locator(".mud-main-content")).ToHaveCSSAsync("margin-left", "0px");
        await ConsolePages.ScreenshotAsync(page, "layout-drawer-phone-closed");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(Drawer(page)).ToBeInViewportAsync();
        await Assertions.Expect(Overlay(page)).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "layout-drawer-phone-open");
        // Beside the drawer, on the dark overlay.
        await Overlay(page).ClickAsync(new() { Position = new() { X = 340, Y = 400 } });
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(Overlay(page)).ToHaveCountAsync(0);
        await Assertions.Expect(Drawer(page)).Not.ToBeInViewportAsync();

        // From the keyboard: open, move into the drawer, Escape closes it and focus returns to the menu button.
        await toggle.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Overlay(page)).ToBeVisibleAsync();
        var keys = Drawer(page).GetByRole(AriaRole.Link, new() { Name = "API keys" });
        await keys.FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(toggle).ToBeFocusedAsync();
        await Assertions.Expect(Overlay(page)).ToHaveCountAsync(0);
        await Assertions.Expect(Drawer(page)).Not.ToBeInViewportAsync();

        // A followed link closes the drawer over the page.
        await toggle.ClickAsync();
        await keys.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/keys$"));
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(Overlay(page)).ToHaveCountAsync(0);

        // Widened past Md, the drawer opens beside the page, as MudDrawer did.
        await page.SetViewportSizeAsync(1400, 1000);
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.Locator(".mud-main-content")).ToHaveCSSAsync("margin-left", "232px");
        await Assertions.Expect(Overlay(page)).ToHaveCountAsync(0);
    }
}
