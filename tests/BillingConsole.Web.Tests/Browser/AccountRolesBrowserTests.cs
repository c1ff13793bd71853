using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>What each account role is offered in Chromium, and a role lowered while the page is open (the development
/// host revalidates open pages every second).</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AccountRolesBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<(long AccountId, long UserId, IPage Page)> SignInMemberAsync(string role, string path)
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(Accounting.Ledger.Money.FromDollars(1));
        var email = $"{role}-{accountId}@example.test";
        var userId = await TestMembers.CreateAsync(app.DbFactory, email, accountId, role);
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, path);
        return (accountId, userId, page);
    }

    private async Task<int> CountKeysAsync(long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        return await db.ApiKeys.CountAsync(k => k.AccountId == accountId, Ct);
    }

    [Fact]
    public async Task KeysPage_Viewer_SeesTheKeysReadOnlyAndCannotCreateOne()
    {
        var (_, _, page) = await SignInMemberAsync(AccountRoles.Viewer, "/keys");

        await Assertions.Expect(page.GetByTestId("key-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("keys-create")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("keys-read-only")).ToContainTextAsync("Only developers and owners can create, change or revoke API keys.");
        await Assertions.Expect(page.GetByTestId("key-revoke")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("key-limit-edit")).ToHaveCountAsync(0);
        await ConsolePages.ScreenshotAsync(page, "keys-viewer");
    }

    [Fact]
    public async Task BillingPage_Viewer_CannotStartAPurchase()
    {
        var (_, _, page) = await SignInMemberAsync(AccountRoles.Viewer, "/billing");

        await Assertions.Expect(page.GetByTestId("add-credit")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("low-balance-edit")).ToBeDisabledAsync();
        // Hovering the disabled button says who may buy.
        await page.GetByTestId("add-credit").Locator("..").HoverAsync(new() { Force = true });
        await Assertions.Expect(page.GetByText("Only owners can buy credits.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AuditTrail_Viewer_IsNotOfferedAndRefused_DeveloperReadsIt()
    {
        var (_, _, viewer) = await SignInMemberAsync(AccountRoles.Viewer, "/billing");
        await Assertions.Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Invoices" })).ToBeVisibleAsync();
        await Assertions.Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Audit trail" })).ToHaveCountAsync(0);
        await viewer.GotoAsync("/audit");
        await viewer.WaitForURLAsync(url => url.Contains("/access-denied", StringComparison.Ordinal));

        var (_, _, developer) = await SignInMemberAsync(AccountRoles.Developer, "/billing");
        await developer.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await developer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/audit");
        await Assertions.Expect(developer.GetByTestId("audit-filters")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task KeysPage_Developer_CreatesAKey()
    {
        var (accountId, _, page) = await SignInMemberAsync(AccountRoles.Developer, "/keys");

        await page.GetByTestId("keys-create").ClickAsync();
        await page.Locator("input[data-testid='keys-name-input'], [data-testid='keys-name-input'] input").First.FillAsync("Developer key");
        await page.GetByTestId("keys-create-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("keys-secret")).ToContainTextAsync("bc_live_");
        Assert.Equal(2, await CountKeysAsync(accountId));
    }

    [Fact]
    public async Task KeysPage_DeveloperLoweredToViewerWhileOpen_CreateIsWithdrawnAfterRevalidation()
    {
        var (accountId, userId, page) = await SignInMemberAsync(AccountRoles.Developer, "/keys");
        await Assertions.Expect(page.GetByTestId("keys-create")).ToBeEnabledAsync();

        await TestMembers.SetRoleAsync(app.DbFactory, accountId, userId, AccountRoles.Viewer);

        await Assertions.Expect(page.GetByTestId("keys-create")).ToBeDisabledAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("keys-read-only")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("key-revoke")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CreateKeyDialog_RoleLoweredWhileItIsOpen_RefusedWithAFriendlyMessageAndNothingCreated()
    {
        var (accountId, userId, page) = await SignInMemberAsync(AccountRoles.Developer, "/keys");
        await page.GetByTestId("keys-create").ClickAsync();
        await page.Locator("input[data-testid='keys-name-input'], [data-testid='keys-name-input'] input").First.FillAsync("Too late");

        await TestMembers.SetRoleAsync(app.DbFactory, accountId, userId, AccountRoles.Viewer);
        await page.GetByTestId("keys-create-submit").ClickAsync();

        // Whichever comes first, the write is refused: the dialog's re-check or the page's revalidation.
        await Assertions.Expect(page.GetByTestId("keys-create-error")).ToContainTextAsync("Only developers and owners can create, change or revoke API keys.");
        await Assertions.Expect(page.GetByTestId("keys-secret")).ToHaveCountAsync(0);
        Assert.Equal(1, await CountKeysAsync(accountId));
    }

    [Fact]
    public async Task CheckoutPage_Viewer_GetsAccessDeniedNamingTheirRole()
    {
        var (_, _, page) = await SignInMemberAsync(AccountRoles.Viewer, "/billing");

        await page.GotoAsync("/billing/checkout/cancel");

        await page.WaitForURLAsync(url => url.Contains("/access-denied"));
        await Assertions.Expect(page.GetByTestId("access-denied-role")).ToContainTextAsync("your role in this account is viewer");
    }

    [Fact]
    public async Task KeysPage_MembershipRemovedWhileOpen_ShowsAccessDeniedAfterRevalidation()
    {
        var (accountId, userId, page) = await SignInMemberAsync(AccountRoles.Owner, "/keys");
        await Assertions.Expect(page.GetByTestId("keys-create")).ToBeEnabledAsync();

        await TestMembers.RemoveAsync(app.DbFactory, accountId, userId);

        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("keys")).ToHaveCountAsync(0);
    }
}
