using System.Net.Http.Json;
using System.Text.Json;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Demo;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>Auto-recharge end to end in Chromium on the development console: an owner turns it on from the billing page,
/// spending takes the balance below the threshold, the worker's pass recharges, and the page shows it.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AutoRechargeBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<(long AccountId, string Email, string Secret)> OwnerAsync()
    {
        var (accountId, _, secret) = await app.CreateCustomerAsync(Money.FromDollars(100));
        var email = $"recharge-{accountId}@example.test";
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var owner = new User { Email = email, DisplayName = "Recharge Owner", Role = Roles.Customer, AccountId = accountId };
        db.Users.Add(owner);
        await db.SaveChangesAsync(Ct);
        db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = owner.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
        return (accountId, email, secret);
    }

    [Fact]
    public async Task TurnOn_ThenTheBalanceFallsBelowTheThreshold_TheRechargeAndTheNewBalanceAreShown()
    {
        var (accountId, email, secret) = await OwnerAsync();
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email);
        var card = page.GetByTestId("auto-recharge");
        await Assertions.Expect(card.GetByTestId("auto-recharge-state")).ToHaveTextAsync("Off");

        await card.GetByTestId("auto-recharge-edit").ClickAsync();
        await card.Locator("input[data-testid=auto-recharge-threshold]").FillAsync("50");
        await card.Locator("input[data-testid=auto-recharge-amount]").FillAsync("25");
        await card.Locator("input[data-testid=auto-recharge-cap]").FillAsync("100");
        await card.GetByTestId("auto-recharge-submit").ClickAsync();
        await Assertions.Expect(card.GetByTestId("auto-recharge-rule")).ToHaveTextAsync("Add $25.00 when the balance falls below $50.00");
        await Assertions.Expect(card.GetByTestId("auto-recharge-state")).ToHaveTextAsync("On");
        using var api = app.Client(secret);
        var settings = await api.GetFromJsonAsync<JsonElement>("/billing/auto-recharge", Ct);
        Assert.Equal((true, 50m, 25m, 100m), (settings.GetProperty("enabled").GetBoolean(), settings.GetProperty("threshold").GetDecimal(),
            settings.GetProperty("amount").GetDecimal(), settings.GetProperty("monthly_cap").GetDecimal()));

        // Calls spend $70: the balance is $30, below the $50 threshold; then the worker's pass runs.
        var spent = await app.Ledger.PostAsync(new PostRequest(accountId, EntryTypes.UsageDebit, -Money.FromDollars(70), "Browser test usage",
            new Origin(EntrySources.System, "tests")), Ct);
        Assert.True(spent.Succeeded, spent.Failure?.ToString());
        await app.Services.GetRequiredService<PaymentsService>().RunAutoRechargeAsync(Ct);

        await page.ReloadAsync();
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(card.GetByTestId("auto-recharge-last")).ToContainTextAsync("$25.00, credited");
        await Assertions.Expect(card.GetByTestId("auto-recharge-month")).ToContainTextAsync("$25.00 recharged of $100.00 cap");
        await Assertions.Expect(page.GetByTestId("balance")).ToContainTextAsync("$55.00");
        await card.ScrollIntoViewIfNeededAsync();
        await card.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotFolder, "auto-recharge-card.png") });
        await ConsolePages.ScreenshotAsync(page, "auto-recharge-billing-page");
    }

    [Fact]
    public async Task AdminAccountView_AfterThreeDeclines_SaysAutoRechargeTurnedItselfOffAndWhy()
    {
        var (accountId, _, _) = await OwnerAsync();
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
            await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.AutoRechargeThreshold, Money.FromDollars(10).Units).SetProperty(a => a.AutoRechargeAmount, Money.FromDollars(25).Units)
                .SetProperty(a => a.AutoRechargeFailures, PaymentAccounts.MaxConsecutiveFailures)
                .SetProperty(a => a.AutoRechargeFailure, "The card was declined: not enough funds.")
                .SetProperty(a => a.AutoRechargeLastOutcome, AutoRechargeOutcomes.Failed)
                .SetProperty(a => a.AutoRechargeLastAttemptAmount, Money.FromDollars(25).Units)
                .SetProperty(a => a.AutoRechargeLastAttemptAt, DateTime.UtcNow), Ct);
        var page = await browser.NewPageAsync(app.BaseAddress);

        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, $"/admin/accounts/{accountId}");

        var card = page.GetByTestId("auto-recharge");
        await Assertions.Expect(card.GetByTestId("auto-recharge-turned-off")).ToContainTextAsync("turned itself off after 3 failed attempts in a row");
        await Assertions.Expect(card.GetByTestId("auto-recharge-turned-off")).ToContainTextAsync("not enough funds");
        await Assertions.Expect(card.GetByTestId("auto-recharge-last")).ToContainTextAsync("$25.00, failed");
        await Assertions.Expect(card.GetByTestId("auto-recharge-state")).ToHaveTextAsync("Off");
        await card.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotFolder, "auto-recharge-admin-turned-off.png") });
    }
}
