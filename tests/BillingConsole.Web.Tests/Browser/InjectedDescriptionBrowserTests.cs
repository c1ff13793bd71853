using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using BillingConsole.Web.Tests.Reliability;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>Hostile text stored in the ledger is shown as text: a description carrying a script and an image with an
/// onerror handler renders literally on the transactions tab, adds no element, and no dialog ever opens.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class InjectedDescriptionBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Description_WithScript_RendersAsTextAndNeverRuns()
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        var posted = await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.Bonus, Money.FromCents(1), HostileInputs.Script,
            new Origin(EntrySources.Admin, "tests"), RefId: "\"><svg onload=alert(3)>"), Ct);
        Assert.True(posted.Succeeded, posted.Failure?.ToString());
        var email = $"injected-{accountId}@example.test";
        await TestData(email, accountId);

        var page = await browser.NewPageAsync(app.BaseAddress);
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            lock (dialogs)
                dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await ConsolePages.SignInAsync(page, email, "/billing?tab=transactions");

        var row = page.Locator($"[data-testid='tx-row'][data-entry-id='{posted.Value!.EntryId}']");
        await Assertions.Expect(row).ToContainTextAsync(HostileInputs.Script);
        await Assertions.Expect(row).ToContainTextAsync("\"><svg onload=alert(3)>");
        Assert.Equal(0, await page.Locator("[data-testid='transactions'] img[src='x'], [data-testid='transactions'] svg[onload]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-testid='transactions'] script").CountAsync());
        // Give an injected handler every chance to fire (the image would have failed to load by now).
        await page.WaitForTimeoutAsync(1000);
        Assert.Empty(dialogs);
        await ConsolePages.ScreenshotAsync(page, "injected-description-as-text");
    }

    private async Task TestData(string email, long accountId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var tester = new User { Email = email, DisplayName = "Injection Tester", Role = Roles.Customer, AccountId = accountId };
        db.Users.Add(tester);
        await db.SaveChangesAsync(Ct);
        // Membership comes from rows only: the account's owner, as a real customer would be.
        db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
    }
}
