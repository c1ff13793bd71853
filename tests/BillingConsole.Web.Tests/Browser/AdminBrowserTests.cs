using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Demo;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stripe;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>Billing staff's actions end to end: in the admin console, then as the customer sees them.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AdminBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], textarea[data-testid='{testId}'], [data-testid='{testId}'] input, [data-testid='{testId}'] textarea").First;

    private async Task<(long AccountId, string CustomerEmail)> CustomerAsync(Money balance)
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(balance);
        var email = $"admin-target-{accountId}@example.test";
        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var tester = new User { Email = email, DisplayName = "Corrected Customer", Role = Roles.Customer, AccountId = accountId };
        db.Users.Add(tester);
        await db.SaveChangesAsync(Ct);
        // Membership comes from rows only: the account's owner, as a real customer would be.
        db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(Ct);
        return (accountId, email);
    }

    private static async Task AdjustAsync(IPage page, string button, string amount, string reason, string expectedResulting)
    {
        await page.GetByTestId(button).ClickAsync();
        var dialog = page.GetByTestId("admin-adjust-dialog");
        await Field(page, "admin-adjust-amount").FillAsync(amount);
        await Field(page, "admin-adjust-reason").FillAsync(reason);
        await Assertions.Expect(page.GetByTestId("admin-adjust-resulting")).ToHaveTextAsync(expectedResulting);
        await page.GetByTestId("admin-adjust-review").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-adjust-confirm-step")).ToContainTextAsync(reason);
        await page.GetByTestId("admin-adjust-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("admin-balance")).ToHaveTextAsync(expectedResulting);
    }

    [Fact]
    public async Task CorrectionRefundAndGrant_ShowInTheCustomersTransactions_WithTheRightBalanceAfter()
    {
        var (accountId, customerEmail) = await CustomerAsync(Money.FromDollars(100));
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, "/admin");

        await Field(page, "admin-search-input").FillAsync(accountId.ToString());
        await page.Keyboard.PressAsync("Enter");
        await page.GetByTestId("admin-account-link").First.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/admin/accounts/{accountId}"));
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("admin-balance")).ToHaveTextAsync("$100.00");

        // A reason is required, and nothing is posted without one.
        await page.GetByTestId("admin-correction").ClickAsync();
        await Field(page, "admin-adjust-amount").FillAsync("-12.50");
        await page.GetByTestId("admin-adjust-review").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-adjust-dialog")).ToContainTextAsync("Give a reason");
        await page.GetByTestId("admin-adjust-cancel").ClickAsync();

        await AdjustAsync(page, "admin-correction", "-12.50", "Duplicate charge on 20 Nov", "$87.50");
        await AdjustAsync(page, "admin-refund", "5", "Refund for the 19 Nov outage", "$92.50");
        await AdjustAsync(page, "admin-grant", "10", "Welcome bonus for the pilot", "$102.50");
        await ConsolePages.ScreenshotAsync(page, "admin-account");

        // The customer's components are shown for this account, without the download links that export the signed-in user's own account.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Transactions" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("tx-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("tx-export-csv")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Admin history" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-audit").Locator("tbody tr")).ToHaveCountAsync(3);

        var customer = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(customer, customerEmail, "/billing?tab=transactions");
        var rows = customer.GetByTestId("tx-row");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("Welcome bonus for the pilot");
        await Assertions.Expect(rows.Nth(0).GetByTestId("tx-balance-after")).ToHaveTextAsync("$102.50");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Refund for the 19 Nov outage");
        await Assertions.Expect(rows.Nth(1).GetByTestId("tx-balance-after")).ToHaveTextAsync("$92.50");
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("Duplicate charge on 20 Nov");
        await Assertions.Expect(rows.Nth(2).GetByTestId("tx-amount")).ToHaveTextAsync("-$12.50");
        await Assertions.Expect(rows.Nth(2).GetByTestId("tx-balance-after")).ToHaveTextAsync("$87.50");
        await ConsolePages.ScreenshotAsync(customer, "customer-after-admin-actions");

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        var audit = await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal([AdminActions.Correction, AdminActions.BalanceRefund, AdminActions.Grant], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal(DemoData.AdminEmail, e.Actor));
    }

    [Fact]
    public async Task ExpiredHold_IsListedOnLedgerHealth_AndReleasedByStaff()
    {
        var (accountId, _) = await CustomerAsync(Money.FromDollars(20));
        var hold = await app.Ledger.ReserveAsync(new ReserveRequest(accountId, Money.FromDollars(7), "Call that never settled",
            new Origin(EntrySources.MeteringApi, "tests"), Ttl: TimeSpan.FromSeconds(1)), Ct);
        var reservationId = hold.Value!.ReservationId;
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, "/admin/health");
        var row = page.GetByTestId("admin-holds").Locator("tbody tr").Filter(new() { HasText = $"#{reservationId}" });
        await Assertions.Expect(row).ToContainTextAsync("overdue");
        await ConsolePages.ScreenshotAsync(page, "admin-health");

        await row.GetByTestId("admin-hold-release").ClickAsync();
        await Field(page, "admin-reason-input").FillAsync("Gateway lost the call");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid='admin-holds'] tbody tr:has-text('#{reservationId}')")).ToHaveCountAsync(0);

        // A manual full check of the ledger is recorded as a run with no violations.
        await page.GetByTestId("admin-run-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-violations")).ToContainTextAsync("found nothing wrong", new() { Timeout = 60_000 });

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(ReservationStatus.Released, await db.Reservations.Where(r => r.Id == reservationId).Select(r => r.Status).SingleAsync(Ct));
        Assert.Equal(Money.FromDollars(20).Units, await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Balance).SingleAsync(Ct));
        var audit = await db.AdminAuditLog.AsNoTracking().SingleAsync(e => e.AccountId == accountId, Ct);
        Assert.Equal((AdminActions.ReleaseHold, "Gateway lost the call"), (audit.Action, audit.Reason));
    }

    [Fact]
    public async Task FloorAndKeyLimit_AreSetWithAReason_AndAStripeEventIsReplayed()
    {
        var (accountId, _) = await CustomerAsync(Money.FromDollars(5));
        var eventId = $"evt_admin_{accountId}";
        await app.Services.GetRequiredService<PaymentEventLog>().RecordAsync(new PaymentEventRecord(eventId, "customer.created", "cus_x", null,
            accountId, null, false, StripeConfiguration.ApiVersion, DateTime.UtcNow, PaymentEventOutcomes.Ignored, "not acted on",
            """{"id":"EVENT","object":"event","type":"customer.created","api_version":"VERSION","created":1763856000,"livemode":false,"data":{"object":{"id":"cus_x","object":"customer"}}}"""
                .Replace("EVENT", eventId).Replace("VERSION", StripeConfiguration.ApiVersion)), Ct);

        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, $"/admin/accounts/{accountId}");

        await page.GetByTestId("admin-set-floor").ClickAsync();
        await Field(page, "admin-reason-amount").FillAsync("-250");
        await Field(page, "admin-reason-input").FillAsync("Net-30 terms signed");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-floor")).ToHaveTextAsync("-$250.00");

        await page.GetByRole(AriaRole.Tab, new() { Name = "API keys" }).ClickAsync();
        await page.GetByTestId("admin-key-set-limit").First.ClickAsync();
        await Field(page, "admin-reason-amount").FillAsync("40");
        await Field(page, "admin-reason-input").FillAsync("Cap the staging key");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-key-limit").First).ToHaveTextAsync("$40.00");

        await page.GotoAsync("/admin/webhooks");
        await ConsolePages.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Replay {eventId}" }).ClickAsync();
        await Field(page, "admin-reason-input").FillAsync("Check the handler after the fix");
        await page.GetByTestId("admin-reason-confirm").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Replayed {eventId}");
        await ConsolePages.ScreenshotAsync(page, "admin-webhooks");

        await using var db = await app.DbFactory.CreateDbContextAsync(Ct);
        Assert.Equal(-Money.FromDollars(250).Units, await db.Accounts.Where(a => a.Id == accountId).Select(a => a.OverdraftFloor).SingleAsync(Ct));
        var audit = await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal([AdminActions.OverdraftFloor, AdminActions.KeyLimit, AdminActions.WebhookReplay], audit.Select(e => e.Action));
        Assert.Equal(("$0.00", "-$250.00"), (audit[0].Before, audit[0].After));
        Assert.Equal(("no limit", "$40.00"), (audit[1].Before, audit[1].After));
        Assert.StartsWith("ignored", audit[2].After);
        Assert.Equal(2, await db.PaymentEvents.Where(e => e.EventId == eventId).Select(e => e.Deliveries).SingleAsync(Ct));
    }

    [Fact]
    public async Task Reconciliation_ShowsEachMismatch_AndAnObjectLinkOpensItsEvents()
    {
        var (account, kinds, orphan) = await Api.AdminReconciliationApiTests.SeedMismatchesAsync(app);
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, DemoData.AdminEmail, "/admin/reconciliation");
        var (from, to) = (DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd"), DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd"));
        await page.GotoAsync($"/admin/reconciliation?from={from}&to={to}");
        await ConsolePages.WaitForCircuitAsync(page);

        await Assertions.Expect(page.GetByTestId("recon-verdict")).ToHaveAttributeAsync("data-balanced", "false");
        var stripeSide = page.GetByTestId("recon-stripe");
        foreach (var (kind, objectId) in kinds)
            await Assertions.Expect(stripeSide.Locator("tr", new() { HasText = objectId })).ToContainTextAsync(kind);
        await Assertions.Expect(page.GetByTestId("recon-ledger").Locator("tr", new() { HasText = orphan })).ToContainTextAsync($"#{account}");
        await Assertions.Expect(page.GetByTestId("recon-totals")).ToContainTextAsync("Payments received");
        await ConsolePages.ScreenshotAsync(page, "admin-reconciliation");

        await stripeSide.GetByRole(AriaRole.Link, new() { Name = kinds["not_credited"] }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/admin/webhooks?object="));
        await Assertions.Expect(page.GetByTestId("admin-events-object")).ToContainTextAsync(kinds["not_credited"]);
        await Assertions.Expect(page.GetByTestId("admin-events").Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("admin-events")).ToContainTextAsync(kinds["not_credited"]);
    }
}
