using System.Globalization;
using AngleSharp.Dom;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>"Jump to date" on the transactions table: the list starts at the last entry on or before that UTC day and
/// "Load more" continues backwards on the keyset cursor.</summary>
public sealed class TransactionsJumpTests : LedgerComponentTest
{
    [Fact]
    public async Task Jump_ToADay_StartsAtItsLastEntryAndLoadsOlderOnes()
    {
        var account = await CreateAccountAsync();
        var posted = new List<PostedEntry>();
        // 60 days, two entries a day: 120 entries, more than two pages.
        for (var day = 0; day < 60; day++)
            for (var hour = 0; hour < 2; hour++)
            {
                Clock.AdjustTime(new DateTime(2026, 1, 1, 10 + hour * 13, 0, 0, DateTimeKind.Utc).AddDays(day));
                posted.Add(await PostAsync(account, EntryTypes.Topup, Money.FromCents(100), $"Top-up {day}.{hour}"));
            }
        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(posted[^1].EntryId, EntryId(Rows(cut)[0])));

        var jump = cut.FindComponents<MudDatePicker>().Single(c => c.Instance.Label == "Jump to date (UTC)");
        // 2026-01-31 is day 30: its last entry (23:00) is posted[61].
        await cut.InvokeAsync(() => jump.Instance.DateChanged.InvokeAsync(new DateTime(2026, 1, 31)));

        var expected = posted.Take(62).Select(e => e.EntryId).Reverse().ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected.Take(50), Rows(cut).Select(EntryId)));
        Assert.Contains("Showing 50 from 2026-01-31 back", cut.Find("[data-testid=tx-count]").TextContent);
        await cut.Find("[data-testid=load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut).Select(EntryId)));
        Assert.Contains("That's every earlier transaction: 62", cut.Find("[data-testid=tx-end]").TextContent);

        await cut.Find("[data-testid=tx-clear-filters]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(posted[^1].EntryId, EntryId(Rows(cut)[0])));
    }

    [Fact]
    public async Task Jump_BeforeTheFirstEntry_SaysThereIsNone()
    {
        var account = await CreateAccountAsync();
        Clock.AdjustTime(new DateTime(2026, 5, 2, 0, 0, 0, DateTimeKind.Utc));
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(1), "First top-up");
        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        var jump = cut.FindComponents<MudDatePicker>().Single(c => c.Instance.Label == "Jump to date (UTC)");
        await cut.InvokeAsync(() => jump.Instance.DateChanged.InvokeAsync(new DateTime(2026, 5, 1)));

        cut.WaitForAssertion(() => Assert.Contains("No transactions on or before 2026-05-01", cut.Find("[data-testid=tx-jump-empty]").TextContent));
        Assert.Empty(Rows(cut));
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<TransactionsTable> cut) => cut.FindAll("[data-testid=tx-row]");

    private static long EntryId(IElement row) => long.Parse(row.GetAttribute("data-entry-id")!, CultureInfo.InvariantCulture);
}
