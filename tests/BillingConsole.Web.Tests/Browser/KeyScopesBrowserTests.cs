using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>Creating a key with chosen scopes and an expiry date from the keyboard alone, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class KeyScopesBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateKey_ScopesAndExpiryChosenByKeyboard_AreListedAndEnforced()
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(BillingConsole.Accounting.Ledger.Money.FromDollars(1));
        var email = $"scopes-{accountId}@example.test";
        await app.CreateUserAsync(email, Roles.Customer, accountId);
        var page = await browser.NewPageAsync(app.BaseAddress);
        await page.BringToFrontAsync();
        await ConsolePages.SignInAsync(page, email, "/keys");
        var expires = DateTime.UtcNow.Date.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await page.GetByTestId("keys-create").ClickAsync();
        // The name is filled in one go (keystrokes typed faster than the circuit echoes them can be lost by the bound
        // field); the choices after it are made from the keyboard.
        await page.Locator("input[data-testid='keys-name-input'], [data-testid='keys-name-input'] input").First.FillAsync("Rotation bot");
        var inference = page.GetByRole(AriaRole.Checkbox, new() { Name = "Call models (inference)" });
        var keysWrite = page.GetByRole(AriaRole.Checkbox, new() { Name = "Manage keys (keys:write)" });
        await inference.FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(inference).Not.ToBeCheckedAsync();
        await keysWrite.FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(keysWrite).ToBeCheckedAsync();
        await page.GetByTestId("keys-expiry").Locator("input").FocusAsync();
        await page.Keyboard.TypeAsync(expires);
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(keysWrite).ToBeCheckedAsync();
        await Assertions.Expect(inference).Not.ToBeCheckedAsync();
        await ConsolePages.ScreenshotAsync(page, "keys-create-scopes");
        await page.GetByTestId("keys-create-submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var secret = (await page.GetByTestId("keys-secret").TextContentAsync())!.Trim();
        await page.Keyboard.PressAsync("Escape");
        var key = (await app.Services.GetRequiredService<ApiKeyService>().ListAsync(accountId, Ct)).Single(k => k.Name == "Rotation bot");
        Assert.Equal([ApiKeyScopes.BillingRead, ApiKeyScopes.KeysWrite], key.Scopes);
        var row = page.Locator($"[data-testid='key-row'][data-key-id='{key.Id}']");
        await Assertions.Expect(row.GetByTestId("key-scopes")).ToContainTextAsync("keys:write");
        await Assertions.Expect(row.GetByTestId("key-expires")).ToHaveTextAsync($"{expires} 00:00");
        await ConsolePages.ScreenshotAsync(page, "keys-scopes");

        using var bot = app.Client(secret);
        Assert.Equal(HttpStatusCode.Created, (await bot.PostAsJsonAsync("/v1/keys", new { name = "rotated", scopes = new[] { "billing:read" } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bot.PostAsJsonAsync("/v1/keys", new { name = "wider", scopes = new[] { "inference" } }, Ct)).StatusCode);
    }
}
