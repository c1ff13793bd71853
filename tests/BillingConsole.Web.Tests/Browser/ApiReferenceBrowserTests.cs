using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>The API reference (Scalar at /api) renders the OpenAPI document in a real browser under the console's CSP,
/// with no request leaving the site, and the console's help link reaches it from the keyboard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Collects what would show a broken page: CSP refusals and console errors, and any request to another origin.</summary>
    private static (List<string> Errors, List<string> Foreign) Watch(IPage page, Uri site)
    {
        var errors = new List<string>();
        var foreign = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal)
                && url.Authority != site.Authority)
                foreign.Add(request.Url);
        };
        return (errors, foreign);
    }

    [Fact]
    public async Task Reference_Anonymous_RendersAnOperationUnderTheCsp()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        var (errors, foreign) = Watch(page, app.BaseAddress);

        var response = await page.GotoAsync("/api");

        Assert.Equal(200, response!.Status);
        Assert.Contains("'nonce-", (await response.AllHeadersAsync())["content-security-policy"]);
        // Operations of the document, rendered by Scalar's script (the HTML the server sends holds none).
        var sidebar = page.GetByRole(AriaRole.Complementary);
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Billing", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Metering", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hold a call's maximum cost before it runs" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("/billing/transactions").First).ToBeAttachedAsync();
        await ConsolePages.ScreenshotAsync(page, "api-reference");
        Assert.True(errors.Count == 0, "Browser errors: " + string.Join("\n", errors));
        Assert.True(foreign.Count == 0, "Requests to other sites: " + string.Join("\n", foreign));
    }

    [Fact]
    public async Task HelpLink_FromTheConsole_OpensTheReferenceByKeyboard()
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var email = $"api-reference-{accountId}@example.test";
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var tester = new User { Email = email, DisplayName = "Reference Reader", Role = Roles.Customer, AccountId = accountId };
            db.Users.Add(tester);
            await db.SaveChangesAsync(Ct);
            // Membership comes from rows only: the account's owner, as a real customer would be.
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email);

        var help = page.GetByRole(AriaRole.Link, new() { Name = "Help: API reference" });
        await help.FocusAsync();
        await ConsolePages.ScreenshotAsync(page, "console-help-link");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/api", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Billing", Exact = true }))
            .ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
