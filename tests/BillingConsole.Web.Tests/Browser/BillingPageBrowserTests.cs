using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;
using BillingConsole.Web.Components.Usage;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class BillingPageBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>An account of its own with <paramref name="entries"/> entries and a user who can sign in to it.</summary>
    private async Task<(long AccountId, string Email, string Secret)> CustomerWithHistoryAsync(int entries)
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(100));
        for (var i = 1; i < entries; i++)
        {
            var type = i % 3 == 0 ? EntryTypes.Bonus : EntryTypes.UsageDebit;
            var amount = type == EntryTypes.Bonus ? Money.FromCents(i) : -new Money(1_234_567L * i);
            var posted = await app.Ledger.PostAsync(new PostRequest(accountId, type, amount, $"Browser test entry {i}", new Origin(EntrySources.Admin, "tests")), Ct);
            Assert.True(posted.Succeeded, posted.Failure?.ToString());
        }
        var email = $"browser-{accountId}@example.test";
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var tester = new User { Email = email, DisplayName = "Browser Tester", Role = Roles.Customer, AccountId = accountId };
        db.Users.Add(tester);
        await db.SaveChangesAsync(Ct);
        // Membership comes from rows only: the account's owner, as a real customer would be.
        db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
        return (accountId, email, secret);
    }

    private static Money ParseShown(string text)
    {
        var clean = text.Trim().TrimStart('+').Replace("\u2212", "-");
        Assert.True(Money.TryParse(clean, out var money), $"'{text}' is not an amount");
        return money;
    }

    [Fact]
    public async Task SignIn_DemoCustomer_ShowsTheBalanceTheApiReports()
    {
        var (_, email, secret) = await CustomerWithHistoryAsync(12);
        var page = await browser.NewPageAsync(app.BaseAddress);

        await ConsolePages.SignInAsync(page, email);

        using var api = app.Client(secret);
        var reported = await api.GetFromJsonAsync<JsonElement>("/billing/balance", Ct);
        var exact = Money.FromDecimal(reported.GetProperty("balance").GetDecimal()).Format();
        var balance = page.GetByTestId("balance");
        await Assertions.Expect(balance).ToBeVisibleAsync();
        var shown = $"{await balance.TextContentAsync()} {await balance.GetAttributeAsync("title")} {await balance.GetAttributeAsync("aria-label")}";
        Assert.Contains(exact, shown);
        await ConsolePages.ScreenshotAsync(page, "billing-signed-in");
    }

    [Fact]
    public async Task LoadMore_UntilTheEnd_ShowsEveryEntryWithAnUnbrokenBalanceAfterChain()
    {
        const int entries = 123;
        var (_, email, _) = await CustomerWithHistoryAsync(entries);
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/billing?tab=transactions");

        var rows = page.GetByTestId("tx-row");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        var loadMore = page.GetByTestId("load-more");
        for (var expected = 100; await loadMore.IsVisibleAsync(); expected = Math.Min(expected + 50, entries))
        {
            await loadMore.ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(expected);
            if (expected == entries)
                break;
        }
        await Assertions.Expect(loadMore).ToBeHiddenAsync();

        var amounts = (await page.GetByTestId("tx-amount").AllTextContentsAsync()).Select(ParseShown).ToList();
        var after = (await page.GetByTestId("tx-balance-after").AllTextContentsAsync()).Select(ParseShown).ToList();
        Assert.Equal(entries, amounts.Count);
        for (var i = 0; i < entries - 1; i++)
            Assert.Equal(after[i + 1] + amounts[i], after[i]);
        Assert.Equal(amounts[^1], after[^1]);
        await ConsolePages.ScreenshotAsync(page, "billing-transactions-end");
    }

    [Fact]
    public async Task SavingsPeriod_PickedWithMouseOrKeyboard_ShowsThatPeriodsRange()
    {
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);
        // Found by its visible label: the native select is named by it.
        var period = page.GetByLabel("Period", new() { Exact = true });
        var range = page.GetByTestId("savings-range");
        await Assertions.Expect(period).ToHaveValueAsync(nameof(UsagePeriod.ThisMonth));
        await Assertions.Expect(range).ToHaveTextAsync(UsagePeriods.RangeOf(UsagePeriod.ThisMonth, DateTime.UtcNow).ToString());

        await period.SelectOptionAsync(new SelectOptionValue { Label = "Last month" });
        await Assertions.Expect(range).ToHaveTextAsync(UsagePeriods.RangeOf(UsagePeriod.LastMonth, DateTime.UtcNow).ToString());

        // The next option, from the keyboard alone.
        await period.FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(period).ToHaveValueAsync(nameof(UsagePeriod.Last7Days));
        await Assertions.Expect(range).ToHaveTextAsync(UsagePeriods.RangeOf(UsagePeriod.Last7Days, DateTime.UtcNow).ToString());
        await page.GetByTestId("savings").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotFolder, "savings-card.png") });
    }

    [Fact]
    public async Task BillingTabs_ArrowHomeEndKeys_OpenTheTabsAndKeepVisitedPanels()
    {
        // Short enough that End would scroll the page if the tabs did not take the key.
        var page = await browser.NewPageAsync(app.BaseAddress, height: 700);
        await ConsolePages.SignInAsync(page, DemoData.CustomerEmail);
        var list = page.GetByRole(AriaRole.Tablist, new() { Name = "Billing sections" });
        var overview = list.GetByRole(AriaRole.Tab, new() { Name = "Overview" });
        var transactions = list.GetByRole(AriaRole.Tab, new() { Name = "Transactions" });
        var usage = list.GetByRole(AriaRole.Tab, new() { Name = "Usage" });
        await Assertions.Expect(overview).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(overview).ToHaveAttributeAsync("tabindex", "0");
        await Assertions.Expect(transactions).ToHaveAttributeAsync("tabindex", "-1");
        await Assertions.Expect(page.GetByTestId("panel-transactions")).ToHaveCountAsync(0);

        await overview.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(transactions).ToBeFocusedAsync();
        await Assertions.Expect(transactions).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(transactions).ToHaveAttributeAsync("tabindex", "0");
        await Assertions.Expect(overview).ToHaveAttributeAsync("tabindex", "-1");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/billing\?tab=transactions$"));
        await Assertions.Expect(transactions).ToHaveAttributeAsync("aria-controls", "billing-panel-transactions");
        await Assertions.Expect(page.Locator("#billing-panel-transactions[role=tabpanel]")).ToHaveAttributeAsync("aria-labelledby", "billing-tab-transactions");
        var rows = page.GetByTestId("tx-row");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await page.GetByTestId("load-more").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(100);
        await ConsolePages.ScreenshotAsync(page, "billing-tabs-transactions");

        await transactions.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await Assertions.Expect(usage).ToBeFocusedAsync();
        await Assertions.Expect(usage).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/billing\?tab=usage$"));
        await Assertions.Expect(page.GetByTestId("usage-table")).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<double>("window.scrollY"));

        await page.Keyboard.PressAsync("Home");
        await Assertions.Expect(overview).ToBeFocusedAsync();
        await Assertions.Expect(overview).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/billing$"));
        await Assertions.Expect(page.GetByTestId("balance")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tx-row").First).ToBeHiddenAsync();

        // Left from the first tab wraps to the last, Right from the last to the first.
        await page.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(usage).ToBeFocusedAsync();
        await Assertions.Expect(usage).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(overview).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(transactions).ToHaveAttributeAsync("aria-selected", "true");
        // The transactions panel was kept with the rows loaded before.
        await Assertions.Expect(rows).ToHaveCountAsync(100);

        // Tab leaves the tab list (one tab in the tab order): the focus goes into the panel.
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>("document.activeElement !== document.body && document.activeElement.closest('[role=tablist]') === null"));
        await Assertions.Expect(transactions).ToHaveAttributeAsync("aria-selected", "true");
    }
}
