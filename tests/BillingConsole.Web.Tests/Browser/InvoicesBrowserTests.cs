using System.Globalization;
using System.Text.Json;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>The invoice page in Chromium: a month holding every entry type shows one summary line per invoice field,
/// with the JSON invoice's figures, and ties out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InvoicesBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvoicePage_MonthWithEveryEntryType_ShowsTheJsonInvoicesHeadlineLines()
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(150));
        var meter = app.Services.GetRequiredService<MeteringService>();
        var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o", 40_000, 4_000, []), Ct);
        Assert.True((await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(30_000, 2_500, 0)), Ct)).Succeeded);
        var released = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, "gpt-4o", 1_000, 100, []), Ct);
        Assert.True((await meter.ReleaseAsync(released.Value!.ReservationId, "cancelled", Ct)).Succeeded);
        (string Type, long Cents, string Description)[] posts =
        [
            (EntryTypes.PlatformFee, -480, "Card processing fee"), (EntryTypes.AutoRecharge, 5_000, "Auto-recharge"),
            (EntryTypes.PlatformFee, -160, "Card processing fee"), (EntryTypes.Bonus, 500, "Welcome bonus"),
            (EntryTypes.ContractGrant, 10_000, "Contract Q2"), (EntryTypes.BonusGrant, 1_000, "Contract Q2 extra"),
            (EntryTypes.UsageDebit, -135, "Batch job"), (EntryTypes.StorageBilling, -42, "Storage, 14 GB-days"),
            (EntryTypes.Refund, 250, "Outage credit"), (EntryTypes.AdminCorrection, -75, "Duplicate grant"),
            (EntryTypes.PaymentRefund, -2_000, "Card refund"), (EntryTypes.Dispute, -5_000, "Chargeback"),
            (EntryTypes.DisputeReversal, 5_000, "Chargeback won"),
        ];
        foreach (var (type, cents, description) in posts)
            Assert.True((await app.Ledger.PostAsync(new PostRequest(accountId, type, Money.FromCents(cents), description,
                new Origin(EntrySources.Admin, "tests")), Ct)).Succeeded, type);
        var email = $"invoice-{accountId}@example.test";
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            var tester = new User { Email = email, DisplayName = "Invoice Tester", Role = Roles.Customer, AccountId = accountId };
            db.Users.Add(tester);
            await db.SaveChangesAsync(Ct);
            // Membership comes from rows only: the account's owner, as a real customer would be.
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var month = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var api = app.Client(secret);
        using var json = JsonDocument.Parse(await api.GetStringAsync($"/billing/invoice?month={month}", Ct));
        var invoice = json.RootElement;

        var page = await browser.NewPageAsync(app.BaseAddress, height: 1500);
        await ConsolePages.SignInAsync(page, email, $"/invoices?month={month}");

        await Assertions.Expect(page.GetByTestId("invoice-ties-out")).ToHaveAttributeAsync("data-ties-out", "true");
        var rows = page.GetByTestId("invoice-movement");
        await Assertions.Expect(rows).ToHaveCountAsync(10);
        string[] fields = ["purchased", "fees", "credits_used", "storage", "refunds", "corrections", "grants", "payment_refunds", "disputes", "dispute_reversals"];
        Assert.Equal(fields.Select(f => f.Replace('_', '-')), await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.movement)"));
        foreach (var field in fields)
        {
            // The page shows each figure as it moved the balance: fees and credits used are the two charges, negated.
            var figure = Money.FromDecimal(invoice.GetProperty(field).GetDecimal());
            var moved = field is "fees" or "credits_used" ? -figure : figure;
            await Assertions.Expect(page.GetByTestId($"invoice-{field.Replace('_', '-')}")).ToHaveTextAsync(moved.FormatSigned());
        }
        await Assertions.Expect(page.GetByTestId("invoice-closing")).ToHaveTextAsync(Money.FromDecimal(invoice.GetProperty("closing_balance").GetDecimal()).Format());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserSession.ScreenshotFolder, "invoice-every-type.png"), FullPage = true });
    }
}
