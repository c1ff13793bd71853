using System.Globalization;
using AngleSharp.Dom;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

public sealed class TransactionsFilterTests : LedgerComponentTest
{
    [Fact]
    public async Task Filter_ByType_ShowsOnlyThoseTypesAndPagesWithinThem()
    {
        var account = await CreateAccountAsync();
        await SeedHistoryAsync(account, 130);
        for (var i = 0; i < 3; i++)
            await PostAsync(account, EntryTypes.Bonus, Money.FromCents(100 + i), $"Promo {i}", EntrySources.Admin);
        var popovers = Render<MudPopoverProvider>();

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));

        await PickAsync(popovers, cut, "tx-type-filter", "Top-up", "Bonus");

        var expected = await IdsAsync(account, EntryTypes.Topup, EntryTypes.Bonus);
        Assert.Equal(16, expected.Count);
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut).Select(EntryId)));
        Assert.All(Rows(cut), r => Assert.Contains(r.GetAttribute("data-entry-type"), new[] { EntryTypes.Topup, EntryTypes.Bonus }));
        Assert.All(Rows(cut), r => Assert.Contains(r.QuerySelector("[data-testid=tx-type]")!.TextContent.Trim(), new[] { "Top-up", "Bonus" }));
        Assert.Contains("That's every match: 16 transactions", cut.Find("[data-testid=tx-end]").TextContent);
        var export = cut.Find("[data-testid=tx-export-csv]");
        Assert.Equal("/billing/transactions?format=csv&type=topup%2Cbonus", export.GetAttribute("href"));
        Assert.NotNull(export.GetAttribute("download"));

        // Usage only: more than a page, so "Load more" pages within the filter.
        await PickAsync(popovers, cut, "tx-type-filter", "Top-up", "Bonus", "Usage");
        var usage = await IdsAsync(account, EntryTypes.UsageDebit);
        cut.WaitForAssertion(() => Assert.Equal(usage.Take(50), Rows(cut).Select(EntryId)));
        await cut.Find("[data-testid=load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(usage.Take(100), Rows(cut).Select(EntryId)));
        Assert.All(Rows(cut), r => Assert.Equal(EntryTypes.UsageDebit, r.GetAttribute("data-entry-type")));
        Assert.Contains("Showing the latest 100 matching", cut.Find("[data-testid=tx-count]").TextContent);
    }

    [Fact]
    public async Task Filter_ByUtcDates_IncludesBothDaysAndClearingRestoresTheHistory()
    {
        var account = await CreateAccountAsync();
        var days = new[] { new DateTime(2026, 3, 1, 23, 59, 0), new(2026, 3, 2, 0, 0, 0), new(2026, 3, 3, 12, 0, 0), new(2026, 3, 3, 23, 59, 59), new(2026, 3, 4, 0, 0, 0) };
        var posted = new List<PostedEntry>();
        foreach (var at in days)
        {
            Clock.AdjustTime(DateTime.SpecifyKind(at, DateTimeKind.Utc));
            posted.Add(await PostAsync(account, EntryTypes.Topup, Money.FromDollars(1), $"Top-up {at:O}"));
        }

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(5, Rows(cut).Count));

        var from = cut.FindComponents<MudDatePicker>().Single(c => c.Instance.Label == "From (UTC)");
        var to = cut.FindComponents<MudDatePicker>().Single(c => c.Instance.Label == "To (UTC)");
        await cut.InvokeAsync(() => from.Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 2)));
        await cut.InvokeAsync(() => to.Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 3)));

        cut.WaitForAssertion(() => Assert.Equal(posted.Skip(1).Take(3).Select(e => e.EntryId).Reverse(), Rows(cut).Select(EntryId)));
        Assert.Equal("/billing/transactions?format=csv&from=2026-03-02&to=2026-03-03", cut.Find("[data-testid=tx-export-csv]").GetAttribute("href"));

        await cut.Find("[data-testid=tx-clear-filters]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(5, Rows(cut).Count));
        Assert.Equal("/billing/transactions?format=csv", cut.Find("[data-testid=tx-export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task Filter_RangeEndingBeforeItStarts_IsExplainedAndNotQueried()
    {
        var account = await CreateAccountAsync();
        await SeedHistoryAsync(account, 3);
        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));

        var pickers = cut.FindComponents<MudDatePicker>();
        await cut.InvokeAsync(() => pickers.Single(c => c.Instance.Label == "From (UTC)").Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 5)));
        await cut.InvokeAsync(() => pickers.Single(c => c.Instance.Label == "To (UTC)").Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 4)));

        Assert.Contains("start date is after the end date", cut.WaitForElement("[data-testid=tx-filter-error]").TextContent);
        Assert.True(cut.Find("[data-testid=tx-export-csv]").HasAttribute("disabled") || cut.Find("[data-testid=tx-export-csv]").ClassList.Contains("mud-button-disabled"));
    }

    [Fact]
    public async Task Filter_WithoutMatches_ShowsItsOwnEmptyState()
    {
        var account = await CreateAccountAsync();
        await SeedHistoryAsync(account, 3);
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));

        await PickAsync(popovers, cut, "tx-type-filter", "Dispute");

        cut.WaitForAssertion(() => Assert.Contains("No transactions match these filters", cut.Find("[data-testid=tx-empty]").TextContent));
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task TransactionsTable_HoldEntries_LinkTheirReservationAndOtherReferencesStayText()
    {
        var account = await CreateAccountAsync();
        var key = await CreateApiKeyAsync(account);
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(10), "Card top-up", EntrySources.PaymentWebhook, "cs_live_42");
        var settled = await MeterCallAsync(key, "gpt-4o", 1_000, 200);
        SignInAs(account, role: AccountRoles.Developer);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));

        var expectedHref = $"/audit?reservation={settled.ReservationId.ToString(CultureInfo.InvariantCulture)}";
        foreach (var row in Rows(cut).Where(r => r.GetAttribute("data-entry-type") is EntryTypes.Reservation or EntryTypes.Settlement))
        {
            var link = row.QuerySelector("a[data-testid=tx-ref]")!;
            Assert.Equal(expectedHref, link.GetAttribute("href"));
            Assert.Equal(settled.ReservationId.ToString(CultureInfo.InvariantCulture), link.TextContent.Trim());
            Assert.Contains("Metering API", row.QuerySelector("[data-testid=tx-source]")!.TextContent);
        }
        var topup = Rows(cut).Single(r => r.GetAttribute("data-entry-type") == EntryTypes.Topup);
        Assert.Null(topup.QuerySelector("a[data-testid=tx-ref]"));
        Assert.Equal("cs_live_42", topup.QuerySelector("[data-testid=tx-ref]")!.TextContent.Trim());
    }

    [Fact]
    public async Task TransactionsTable_Viewer_SeesReservationIdsUnlinked()
    {
        var account = await CreateAccountAsync();
        var key = await CreateApiKeyAsync(account);
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(10), "Card top-up", EntrySources.PaymentWebhook, "cs_live_42");
        var settled = await MeterCallAsync(key, "gpt-4o", 1_000, 200);
        SignInAs(account, role: AccountRoles.Viewer);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));

        // The audit trail is a developer's page: a viewer gets the id as text, never a link to a refusal.
        var holds = Rows(cut).Where(r => r.GetAttribute("data-entry-type") is EntryTypes.Reservation or EntryTypes.Settlement).ToList();
        Assert.Equal(2, holds.Count);
        Assert.All(holds, row =>
        {
            Assert.Null(row.QuerySelector("a[data-testid=tx-ref]"));
            Assert.Equal(settled.ReservationId.ToString(CultureInfo.InvariantCulture), row.QuerySelector("[data-testid=tx-ref]")!.TextContent.Trim());
        });
    }

    private async Task<List<long>> IdsAsync(long accountId, params string[] types)
    {
        await using var db = await Factory.CreateDbContextAsync(Ct);
        return await db.LedgerEntries.Where(e => e.AccountId == accountId && types.Contains(e.Type))
            .OrderByDescending(e => e.Id).Select(e => e.Id).ToListAsync(Ct);
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<TransactionsTable> cut) => cut.FindAll("[data-testid=tx-row]");

    private static long EntryId(IElement row) => long.Parse(row.GetAttribute("data-entry-id")!, CultureInfo.InvariantCulture);
}
