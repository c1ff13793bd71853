using System.Net.Http.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Demo;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>The customer's flows in the browser: CSV export against the API, creating and revoking a key.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class ConsoleFlowsBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsageTab_DemoData_RendersTheTableAndTheThreeCharts()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail, "/billing?tab=usage");

        await Assertions.Expect(page.GetByTestId("usage-row").First).ToBeVisibleAsync();
        foreach (var chart in new[] { "chart-spend-over-time", "chart-cost-by-model", "chart-cost-by-provider" })
        {
            await Assertions.Expect(page.GetByTestId(chart)).ToBeVisibleAsync();
            Assert.True(await page.GetByTestId(chart).Locator("svg").CountAsync() > 0, $"{chart} has no chart drawn");
        }
        // The period ends today, a day in progress: the caption says what it holds so far.
        await Assertions.Expect(page.GetByTestId("spend-today-so-far")).ToContainTextAsync("today so far $");
        await ConsolePages.ScreenshotAsync(page, "billing-usage");
    }

    [Fact]
    public async Task TransactionsExport_Clicked_DownloadsWhatTheApiReturns()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail, "/billing?tab=transactions");
        var link = page.GetByTestId("tx-export-csv");
        await Assertions.Expect(link).ToBeVisibleAsync();
        var href = await link.GetAttributeAsync("href");

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var downloaded = await File.ReadAllTextAsync((await download.PathAsync())!, Ct);

        using var api = app.Client(app.CustomerApiKey);
        var fromApi = await api.GetStringAsync(href!.StartsWith('/') ? href : "/" + href, Ct);
        Assert.Equal(fromApi, downloaded);
        Assert.True(downloaded.Split('\n').Length > 100, "the export should hold the whole history");
    }

    [Fact]
    public async Task Keys_CreateShowsTheSecretOnce_ThenRevokeDisablesIt()
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(BillingConsole.Accounting.Ledger.Money.FromDollars(1));
        var email = $"keys-{accountId}@example.test";
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var tester = new User { Email = email, DisplayName = "Key Tester", Role = Roles.Customer, AccountId = accountId };
            db.Users.Add(tester);
            await db.SaveChangesAsync(Ct);
            // Membership comes from rows only: the account's owner, as a real customer would be.
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/keys");

        await page.GetByTestId("keys-create").ClickAsync();
        await page.Locator("input[data-testid='keys-name-input'], [data-testid='keys-name-input'] input").First.FillAsync("Browser key");
        await page.GetByTestId("keys-create-submit").ClickAsync();
        var secret = (await page.GetByTestId("keys-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("bc_live_", secret);
        await ConsolePages.ScreenshotAsync(page, "keys-created");

        using (var withKey = app.Client(secret))
            Assert.Equal(System.Net.HttpStatusCode.OK, (await withKey.GetAsync("/billing/balance", Ct)).StatusCode);

        await page.Keyboard.PressAsync("Escape");
        var keyId = (await app.Services.GetRequiredService<ApiKeyService>().ListAsync(accountId, Ct)).Single(k => k.Name == "Browser key").Id;
        var row = page.Locator($"[data-testid='key-row'][data-key-id='{keyId}']");
        await row.GetByTestId("key-revoke").ClickAsync();
        await page.GetByTestId("keys-revoke-confirm").ClickAsync();
        await Assertions.Expect(row.GetByTestId("key-status")).ToContainTextAsync("Revoked");

        using var revoked = app.Client(secret);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await revoked.GetAsync("/billing/balance", Ct)).StatusCode);
        Assert.DoesNotContain(secret, await page.ContentAsync());
    }
}


/// <summary>Buying credit in development mode from the billing page.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AddCreditBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddCredit_InDevelopmentMode_CreditsTheBalanceAndShowsTheTopup()
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(BillingConsole.Accounting.Ledger.Money.FromDollars(1));
        var email = $"buyer-{accountId}@example.test";
        // Buying credits is an owner's (AccountPermissions): the buyer is the account's owner.
        await app.CreateUserAsync(email, Roles.Customer, accountId);
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/billing?tab=transactions");

        await page.GetByTestId("add-credit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("development-mode")).ToBeVisibleAsync();
        await page.GetByTestId("buy").First.ClickAsync();

        // The account already has one top-up; the purchase adds a second one (and its fee), and the page reloads to show it.
        await Assertions.Expect(page.GetByTestId("tx-row").Filter(new LocatorFilterOptions { HasText = "Top-up" }))
            .ToHaveCountAsync(2, new LocatorAssertionsToHaveCountOptions { Timeout = 60_000 });
        using var api = app.Client(secret);
        var balance = (await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/billing/balance", Ct)).GetProperty("balance").GetDecimal();
        Assert.True(balance > 1m, $"the purchase should have credited the balance, which is {balance}");
        await ConsolePages.ScreenshotAsync(page, "billing-after-add-credit");
    }
}
