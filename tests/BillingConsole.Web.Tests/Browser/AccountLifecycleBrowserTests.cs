using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>An admin creates an account from /admin in Chromium, sees it at once, suspends and reinstates it.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AccountLifecycleBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], textarea[data-testid='{testId}'], [data-testid='{testId}'] input, [data-testid='{testId}'] textarea").First;

    [Fact]
    public async Task NewAccountDialog_AdminCreatesAndSuspendsAnAccount_SeesEachChangeAtOnce()
    {
        var name = $"Lifecycle Labs {Guid.NewGuid():N}"[..28];
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, "/admin");
        await ConsolePages.WaitForCircuitAsync(page);

        await page.GetByTestId("admin-new-account").ClickAsync();
        var dialog = page.GetByTestId("admin-new-account-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        // Nothing is created until every field is right; each says what is wrong.
        await Field(page, "admin-new-account-email").FillAsync("not an email");
        await Field(page, "admin-new-account-grant").FillAsync("250");
        await page.GetByTestId("admin-new-account-create").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Give the account a name.");
        await Assertions.Expect(dialog).ToContainTextAsync("Enter the billing email, like billing@example.com.");
        await Assertions.Expect(dialog).ToContainTextAsync("Give a reason of at least 5 characters");
        await ConsolePages.ScreenshotAsync(page, "admin-new-account-dialog");

        await Field(page, "admin-new-account-name").FillAsync(name);
        await Field(page, "admin-new-account-email").FillAsync("billing@lifecycle.example");
        await Field(page, "admin-new-account-floor").FillAsync("-100");
        await Field(page, "admin-new-account-reason").FillAsync("Pilot credit per the signed order form");
        await ConsolePages.ScreenshotAsync(page, "admin-new-account-dialog-filled");
        await page.GetByTestId("admin-new-account-create").ClickAsync();

        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        // The dialog navigates inside the circuit (no page load): poll the address rather than wait for a load event.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/accounts/[0-9]+"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("admin-account-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("admin-balance")).ToHaveTextAsync("$250.00");
        await Assertions.Expect(page.GetByTestId("admin-floor")).ToContainTextAsync("100.00");
        await Assertions.Expect(page.GetByTestId("admin-account-status")).ToHaveAttributeAsync("data-status", AccountStatus.Active);
        var accountId = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);

        await page.GetByTestId("admin-suspend").ClickAsync();
        await Field(page, "admin-reason-input").FillAsync("Card dispute under review");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-account-status")).ToHaveAttributeAsync("data-status", AccountStatus.Suspended);
        await Assertions.Expect(page.GetByTestId("admin-reinstate")).ToBeVisibleAsync();
        await ConsolePages.ScreenshotAsync(page, "admin-account-suspended");

        // The suspension is real: the write path refuses a new reservation for the account.
        var refused = await app.Ledger.ReserveAsync(new ReserveRequest(accountId, Money.FromCents(1), "Probe", new Origin(EntrySources.MeteringApi, "tests")), Ct);
        Assert.Equal(LedgerError.AccountSuspended, refused.Failure?.Error);

        await page.GetByTestId("admin-reinstate").ClickAsync();
        await Field(page, "admin-reason-input").FillAsync("Dispute resolved in our favour");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-account-status")).ToHaveAttributeAsync("data-status", AccountStatus.Active);

        // And the list on /admin finds it with its status.
        await page.GotoAsync($"/admin?q={Uri.EscapeDataString(name)}");
        await Assertions.Expect(page.GetByTestId("admin-search-results")).ToContainTextAsync(name);

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var audit = await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal([AdminActions.AccountCreate, AdminActions.Grant, AdminActions.AccountSuspend, AdminActions.AccountReinstate],
            audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal(DemoData.AdminEmail, e.Actor));
        var grant = await db.LedgerEntries.AsNoTracking().SingleAsync(e => e.AccountId == accountId, Ct);
        Assert.Equal((EntryTypes.ContractGrant, "Pilot credit per the signed order form"), (grant.Type, grant.Description));
    }
}
