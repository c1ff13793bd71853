using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>A customer opens a purchase's receipt from its transaction row and from the month's statement; the receipt's
/// figures and Balance After are the ledger's.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class ReceiptsBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Receipt_FromATransactionRowAndTheStatement_ShowsPaidFeeCreditsAndTheEntriesBalanceAfter()
    {
        var (accountId, _, _) = await app.CreateCustomerAsync(Money.FromDollars(10));
        var email = $"receipts-{accountId}@example.test";
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var user = new User { Email = email, DisplayName = "Receipt Reader", Role = Roles.Customer, AccountId = accountId };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = user.Id, Role = AccountRoles.Viewer, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var session = $"cs_browser_{Guid.NewGuid():N}";
        var purchase = await app.Services.GetRequiredService<PaymentPostings>().CreditPurchaseAsync(new PurchaseCredit(accountId, session,
            PaymentKeys.Topup(BillingConsole.Web.Payments.StripeFacts.Provider, session), PaymentKeys.Fee(BillingConsole.Web.Payments.StripeFacts.Provider, session), Money.FromCents(5250), Money.FromCents(250), "Credit purchase: Standard",
            "Platform fee", BillingConsole.Accounting.Payments.PaymentPostings.WebhookOrigin(BillingConsole.Web.Payments.StripeFacts.Provider)), Ct);
        Assert.True(purchase.Succeeded);

        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/billing?tab=transactions");
        var feeRow = page.Locator($"[data-testid='tx-row'][data-entry-id='{purchase.Value!.Fee!.EntryId}']");
        await feeRow.GetByTestId("tx-receipt").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains($"/billing/receipts/{purchase.Value.Fee.EntryId}"));
        var receipt = page.GetByTestId("receipt");
        await Assertions.Expect(receipt).ToHaveAttributeAsync("data-receipt-kind", ReceiptKinds.Purchase);
        await Assertions.Expect(page.GetByTestId("receipt-paid")).ToHaveTextAsync("$52.50");
        await Assertions.Expect(page.GetByTestId("receipt-fee")).ToHaveTextAsync("-$2.50");
        await Assertions.Expect(page.GetByTestId("receipt-credits")).ToHaveTextAsync("+$50.00");
        await Assertions.Expect(page.GetByTestId("receipt-reference")).ToHaveTextAsync(session);
        await Assertions.Expect(page.GetByTestId("receipt-balance-after")).ToHaveTextAsync(["$62.50", "$60.00"]);
        await ConsolePages.ScreenshotAsync(page, "receipt");

        await page.GotoAsync("/invoices");
        await ConsolePages.WaitForCircuitAsync(page);
        var listed = page.GetByTestId("invoice-receipt").Filter(new() { HasText = session });
        await Assertions.Expect(listed).ToContainTextAsync("+$50.00");
        await listed.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"/billing/receipts/{purchase.Value.Topup.EntryId}"));
        await Assertions.Expect(page.GetByTestId("receipt-credits")).ToHaveTextAsync("+$50.00");

        // Another account's entry reads as no receipt.
        var (otherAccount, _, _) = await app.CreateCustomerAsync(Money.FromDollars(1));
        var otherEntry = await app.Services.GetRequiredService<LedgerWriter>().PostAsync(new PostRequest(otherAccount, EntryTypes.Topup, Money.FromDollars(1),
            "Other", BillingConsole.Accounting.Payments.PaymentPostings.WebhookOrigin(BillingConsole.Web.Payments.StripeFacts.Provider), $"cs_other_{Guid.NewGuid():N}"), Ct);
        await page.GotoAsync($"/billing/receipts/{otherEntry.Value!.EntryId}");
        await ConsolePages.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("receipt-missing")).ToBeVisibleAsync();
    }
}
