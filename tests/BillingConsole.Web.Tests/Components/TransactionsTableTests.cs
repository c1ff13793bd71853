using System.Globalization;
using AngleSharp.Dom;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Components.Billing;
using Bunit;

namespace BillingConsole.Web.Tests.Components;

public sealed class TransactionsTableTests : LedgerComponentTest
{
    [Fact]
    public async Task TransactionsTable_LongHistory_ShowsNewest50ThenLoads50AtATime()
    {
        var account = await CreateAccountAsync();
        var posted = (await SeedHistoryAsync(account, 120)).ToDictionary(e => e.EntryId);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));

        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));
        AssertRowsMatchTheLedger(cut, posted);
        Assert.Contains("Showing the latest 50", cut.Find("[data-testid=tx-count]").TextContent);

        await cut.Find("[data-testid=load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(100, Rows(cut).Count));

        await cut.Find("[data-testid=load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(120, Rows(cut).Count));

        Assert.Empty(cut.FindAll("[data-testid=load-more]"));
        Assert.Contains("That's the whole history", cut.Find("[data-testid=tx-end]").TextContent);
        AssertRowsMatchTheLedger(cut, posted);
        Assert.Equal(posted.Keys.OrderByDescending(id => id), Rows(cut).Select(EntryId));
    }

    [Fact]
    public async Task TransactionsTable_Rows_NewestFirstWithRunningBalance()
    {
        var account = await CreateAccountAsync();
        await SeedHistoryAsync(account, 120);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));
        await cut.Find("[data-testid=load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(100, Rows(cut).Count));

        var rows = Rows(cut);
        for (var i = 0; i < rows.Count - 1; i++)
        {
            Assert.True(EntryId(rows[i]) > EntryId(rows[i + 1]), $"row {i} is not newer than row {i + 1}");
            var expected = ParseMoney(Cell(rows[i + 1], "tx-balance-after")) + ParseMoney(Cell(rows[i], "tx-amount"));
            Assert.Equal(expected, ParseMoney(Cell(rows[i], "tx-balance-after")));
        }
    }

    [Fact]
    public async Task TransactionsTable_Row_FormatsAmountDateTypeSourceAndReference()
    {
        var account = await CreateAccountAsync();
        var topup = await PostAsync(account, EntryTypes.Topup, Money.FromCents(2_500_00), "Card top-up", EntrySources.PaymentWebhook, "cs_live_42");
        var usage = await PostAsync(account, EntryTypes.UsageDebit, new Money(-42_000), "gpt call", EntrySources.MeteringApi);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));

        var usageRow = Row(cut, usage.EntryId);
        Assert.Equal("-$0.000042", Cell(usageRow, "tx-amount"));
        Assert.Contains("bc-amount-negative", usageRow.QuerySelector("[data-testid=tx-amount]")!.ClassList);
        Assert.Equal("$2,499.999958", Cell(usageRow, "tx-balance-after"));
        Assert.Equal("Usage", Cell(usageRow, "tx-type"));
        Assert.Equal("Metering API", Cell(usageRow, "tx-source"));
        Assert.Null(usageRow.QuerySelector("[data-testid=tx-ref]"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", usageRow.QuerySelector("td")!.TextContent.Trim());

        var topupRow = Row(cut, topup.EntryId);
        Assert.Equal("+$2,500.00", Cell(topupRow, "tx-amount"));
        Assert.Contains("bc-amount-positive", topupRow.QuerySelector("[data-testid=tx-amount]")!.ClassList);
        Assert.Equal("Top-up", Cell(topupRow, "tx-type"));
        Assert.Contains("mud-chip-color-success", topupRow.QuerySelector("[data-testid=tx-type]")!.ClassName);
        Assert.Equal("cs_live_42", Cell(topupRow, "tx-ref"));
        Assert.Equal("Stripe", Cell(topupRow, "tx-source"));
        Assert.Contains("Card top-up", topupRow.TextContent);

        // A short history has nothing more to load.
        Assert.Empty(cut.FindAll("[data-testid=load-more]"));
        Assert.Contains("2 transactions", cut.Find("[data-testid=tx-end]").TextContent);
    }

    [Fact]
    public async Task TransactionsTable_ExactlyOnePage_EndsWhenTheNextPageIsEmpty()
    {
        var account = await CreateAccountAsync();
        await SeedHistoryAsync(account, TransactionsTable.PageSize);

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));

        await cut.Find("[data-testid=load-more]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=load-more]")));
        Assert.Equal(50, Rows(cut).Count);
        Assert.Contains("That's the whole history", cut.Find("[data-testid=tx-end]").TextContent);
    }

    [Fact]
    public async Task TransactionsTable_AccountWithoutEntries_ShowsTheEmptyState()
    {
        var account = await CreateAccountAsync();

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, account));

        cut.WaitForElement("[data-testid=tx-empty]");
        Assert.Contains("No transactions yet", cut.Markup);
        Assert.Empty(Rows(cut));
        Assert.Empty(cut.FindAll("[data-testid=load-more]"));
    }

    [Fact]
    public void TransactionsTable_FailingLoad_ShowsAFriendlyErrorInsteadOfCrashing()
    {
        BreakTheDatabase();

        var cut = Render<TransactionsTable>(p => p.Add(x => x.AccountId, 1));

        var error = cut.WaitForElement("[data-testid=tx-error]");
        Assert.Contains("couldn't load your transactions", error.TextContent);
        Assert.DoesNotContain("SQLite", cut.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Rows(cut));
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<TransactionsTable> cut) => cut.FindAll("[data-testid=tx-row]");

    private static IElement Row(IRenderedComponent<TransactionsTable> cut, long entryId) =>
        cut.Find($"[data-testid=tx-row][data-entry-id='{entryId}']");

    private static long EntryId(IElement row) => long.Parse(row.GetAttribute("data-entry-id")!, CultureInfo.InvariantCulture);

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    /// <summary>"+$1,234.50" / "-$0.000042" back to exact money.</summary>
    private static Money ParseMoney(string text)
    {
        Assert.True(Money.TryParse(text.TrimStart('+'), out var money), $"'{text}' is not a formatted amount");
        return money;
    }

    private static void AssertRowsMatchTheLedger(IRenderedComponent<TransactionsTable> cut, Dictionary<long, PostedEntry> posted)
    {
        foreach (var row in Rows(cut))
        {
            var entry = posted[EntryId(row)];
            Assert.Equal(entry.Amount.FormatSigned(), Cell(row, "tx-amount"));
            Assert.Equal(entry.BalanceAfter.Format(), Cell(row, "tx-balance-after"));
        }
    }
}
