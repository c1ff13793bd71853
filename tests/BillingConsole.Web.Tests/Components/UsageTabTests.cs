using System.Globalization;
using AngleSharp.Dom;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Components.Billing;
using BillingConsole.Web.Components.Usage;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

public sealed class UsageTabTests : LedgerComponentTest
{
    private UsageQueries Usage => Services.GetRequiredService<UsageQueries>();

    [Fact]
    public async Task UsageTab_Table_RowsAreTheUsageQueryRows()
    {
        var (account, _) = await SeedUsageAsync();

        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));

        // Default: the last 30 days (2026-02-17 to 2026-03-18), by date and model.
        var expected = await Usage.GetUsageAsync(account, new DateOnly(2026, 2, 17), new DateOnly(2026, 3, 18),
            UsageDimensions.Day | UsageDimensions.Model | UsageDimensions.Provider | UsageDimensions.Type, Ct);
        Assert.Equal(7, expected.Count);
        cut.WaitForAssertion(() => Assert.Equal(expected.Count, Rows(cut).Count));
        AssertRows(cut, expected, byDay: true, byModel: true);
        Assert.Contains("2026-02-17 – 2026-03-18", cut.Find("[data-testid=usage-range]").TextContent);
        Assert.Equal(BillingFormat.Cents(expected.Aggregate(Money.Zero, (s, r) => s + r.Cost)),
            cut.Find("[data-testid=usage-total-cost]").TextContent.Trim());
        var gpt5 = Rows(cut).Single(r => r.QuerySelector("[data-testid=usage-model]")!.GetAttribute("data-model") == "gpt-5");
        Assert.Equal("GPT-5", Cell(gpt5, "usage-model"));
        Assert.Equal("2", Cell(gpt5, "usage-calls"));
        Assert.Contains(Rows(cut), r => r.QuerySelector("[data-testid=usage-type]")!.TextContent.Trim() == "Embedding");
    }

    [Fact]
    public async Task UsageTab_GroupingAndPeriodChanged_ReloadsFromTheUsageQuery()
    {
        var (account, _) = await SeedUsageAsync();
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.NotEmpty(Rows(cut)));

        // Untick Date and tick API key: per key and model.
        await PickAsync(popovers, cut, "usage-group-by", "Date", "API key");
        var byKey = await Usage.GetUsageAsync(account, new DateOnly(2026, 2, 17), new DateOnly(2026, 3, 18),
            UsageDimensions.Key | UsageDimensions.Model | UsageDimensions.Provider | UsageDimensions.Type, Ct);
        cut.WaitForAssertion(() => Assert.Equal(byKey.Count, Rows(cut).Count));
        AssertRows(cut, byKey, byDay: false, byModel: true);
        Assert.Empty(cut.FindAll("[data-testid=usage-date]"));
        Assert.Contains(Rows(cut), r => r.QuerySelector("[data-testid=usage-key]")!.TextContent.StartsWith("Staging · bc_test_", StringComparison.Ordinal));

        // Last 7 days.
        await PickAsync(popovers, cut, "usage-period", "Last 7 days");
        var lastWeek = await Usage.GetUsageAsync(account, new DateOnly(2026, 3, 12), new DateOnly(2026, 3, 18),
            UsageDimensions.Key | UsageDimensions.Model | UsageDimensions.Provider | UsageDimensions.Type, Ct);
        cut.WaitForAssertion(() => Assert.Contains("2026-03-12 – 2026-03-18", cut.Find("[data-testid=usage-range]").TextContent));
        cut.WaitForAssertion(() => Assert.Equal(lastWeek.Count, Rows(cut).Count));
        AssertRows(cut, lastWeek, byDay: false, byModel: true);
    }

    [Fact]
    public async Task UsageTab_Charts_ShowDailySpendModelAndProviderCostWithExactText()
    {
        var (account, calls) = await SeedUsageAsync();

        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));

        var spend = cut.WaitForElement("[data-testid=chart-spend-over-time]");
        Assert.NotNull(spend.QuerySelector("svg path.mud-chart-line"));
        Assert.Equal(30, spend.QuerySelectorAll(".mud-charts-xaxis text").Length);
        Assert.NotNull(cut.Find("[data-testid=chart-cost-by-model] svg"));
        Assert.NotEmpty(cut.Find("[data-testid=chart-cost-by-model]").QuerySelectorAll("svg rect, svg path"));
        var provider = cut.Find("[data-testid=chart-cost-by-provider]");
        Assert.NotEmpty(provider.QuerySelectorAll("svg path.mud-chart-serie"));

        var inRange = calls.Where(c => c.At >= new DateTime(2026, 2, 17, 0, 0, 0, DateTimeKind.Utc)).ToList();
        var perProvider = inRange.GroupBy(c => Catalog.FindBySlug(c.Model)!.Model.Provider)
            .ToDictionary(g => UsageFormat.Provider(g.Key), g => g.Aggregate(Money.Zero, (s, c) => s + c.Settled.Cost));
        var legend = provider.QuerySelectorAll("[data-testid=chart-legend-item]");
        Assert.Equal(perProvider.Count, legend.Length);
        foreach (var item in legend)
        {
            var name = item.QuerySelector(".bc-chart-legend-label")!.TextContent.Trim();
            Assert.Equal(perProvider[name].Format(), item.QuerySelector("[data-exact]")!.GetAttribute("data-exact"));
        }
        var total = inRange.Aggregate(Money.Zero, (s, c) => s + c.Settled.Cost);
        Assert.Contains(BillingFormat.Cents(total), spend.TextContent);

        // Hovering a point shows that day's exact cost, to the cent, from the ledger's money (not the chart's doubles).
        var points = spend.QuerySelectorAll("circle.mud-chart-point");
        Assert.Equal(30, points.Length);
        await points[^1].MouseOverAsync(new());
        var today = inRange.Where(c => c.At.Date == UsageNow.Date).Aggregate(Money.Zero, (s, c) => s + c.Settled.Cost);
        cut.WaitForAssertion(() => Assert.Contains(BillingFormat.Cents(today),
            cut.Find("[data-testid=chart-spend-over-time] .bc-chart-tooltip-value").TextContent));
        Assert.Contains("2026-03-18", cut.Find("[data-testid=chart-spend-over-time] .bc-chart-tooltip-title").TextContent);
        // The last day is today, still in progress: its point and the caption say "so far"; earlier days do not.
        Assert.EndsWith(" so far", cut.Find("[data-testid=chart-spend-over-time] .bc-chart-tooltip-value").TextContent);
        Assert.Contains($"today so far {BillingFormat.Cents(today)}", cut.Find("[data-testid=spend-today-so-far]").TextContent);
        // Found again: the hover re-rendered the chart, and the old points' handlers are gone.
        await cut.InvokeAsync(() => cut.FindAll("[data-testid=chart-spend-over-time] circle.mud-chart-point")[^2].MouseOverAsync(new()));
        cut.WaitForAssertion(() => Assert.DoesNotContain("so far", cut.Find("[data-testid=chart-spend-over-time] .bc-chart-tooltip-value").TextContent));
    }

    /// <summary>An account with tagged calls in March 2026: two tags on one call, one tag, none, and an embedding.</summary>
    private async Task<long> SeedTaggedAsync()
    {
        var account = await CreateAccountAsync();
        var key = await CreateApiKeyAsync(account, "Production");
        Clock.AdjustTime(new DateTime(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc));
        await PostAsync(account, EntryTypes.Topup, Money.FromDollars(100), "Top-up", EntrySources.PaymentWebhook, "cs_test_tags");
        await MeterCallAsync(key, "gpt-4o", 40_000, 5_000, tags: ["prod", "team:search"]);
        await MeterCallAsync(key, "claude-sonnet-4-5", 30_000, 4_000, tags: ["prod"]);
        await MeterCallAsync(key, "gpt-4o-mini", 10_000, 1_000);
        await MeterCallAsync(key, "text-embedding-3-small", 8_000, 0, tags: ["batch"]);
        Clock.AdjustTime(UsageNow);
        return account;
    }

    [Fact]
    public async Task UsageTab_GroupByTag_ShowsARowPerTagUntaggedAsNoTagAndACostByTagChart()
    {
        var account = await SeedTaggedAsync();
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.NotEmpty(Rows(cut)));
        Assert.Empty(cut.FindAll("[data-testid=chart-cost-by-tag]"));

        // Untick Date and Model, tick Tag: one row per tag.
        await PickAsync(popovers, cut, "usage-group-by", "Date", "Model", "Tag");

        var expected = await Usage.GetUsageAsync(account, new DateOnly(2026, 2, 17), new DateOnly(2026, 3, 18), UsageDimensions.Tag, Ct);
        Assert.Equal(4, expected.Count);
        cut.WaitForAssertion(() => Assert.Equal(expected.Count, Rows(cut).Count));
        AssertRows(cut, expected, byDay: false, byModel: false);
        Assert.Equal(expected.Select(r => r.Tag ?? "(no tag)"), Rows(cut).Select(r => Cell(r, "usage-tag")));
        Assert.Equal(["(no tag)", "batch", "prod", "team:search"], Rows(cut).Select(r => Cell(r, "usage-tag")).Order(StringComparer.Ordinal));
        Assert.Equal("2", Cell(Rows(cut).Single(r => Cell(r, "usage-tag") == "prod"), "usage-calls"));
        Assert.Empty(cut.FindAll("[data-testid=usage-model]"));
        // A call with two tags is under each: no total row that would add it twice, and a note that says why.
        Assert.Empty(cut.FindAll("[data-testid=usage-total]"));
        Assert.Contains("counted under each", cut.Find("[data-testid=usage-tag-note]").TextContent);
        Assert.Contains("By tag", cut.Markup);

        var chart = cut.Find("[data-testid=chart-cost-by-tag]");
        Assert.NotEmpty(chart.QuerySelectorAll("svg rect, svg path"));
        var description = chart.QuerySelector("[role=img]")!.GetAttribute("aria-label")!;
        foreach (var row in expected)
            Assert.Contains($"{row.Tag ?? "(no tag)"} {BillingFormat.Cents(row.Cost)}", description);
    }

    [Fact]
    public async Task UsageTab_GroupByType_ShowsATypeColumnAndACostByTypeChart()
    {
        var account = await SeedTaggedAsync();
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));
        cut.WaitForAssertion(() => Assert.NotEmpty(Rows(cut)));

        await PickAsync(popovers, cut, "usage-group-by", "Date", "Model", "Type");

        var expected = await Usage.GetUsageAsync(account, new DateOnly(2026, 2, 17), new DateOnly(2026, 3, 18), UsageDimensions.Type, Ct);
        Assert.Equal(2, expected.Count);
        cut.WaitForAssertion(() => Assert.Equal(expected.Count, Rows(cut).Count));
        AssertRows(cut, expected, byDay: false, byModel: false);
        Assert.Equal(expected.Select(r => UsageFormat.Type(r.Type)), Rows(cut).Select(r => Cell(r, "usage-type")));
        Assert.Contains("Embedding", Rows(cut).Select(r => Cell(r, "usage-type")));
        Assert.Empty(cut.FindAll("[data-testid=usage-model]"));
        Assert.NotNull(cut.Find("[data-testid=usage-total]"));
        var description = cut.Find("[data-testid=chart-cost-by-type] [role=img]").GetAttribute("aria-label")!;
        foreach (var row in expected)
            Assert.Contains($"{UsageFormat.Type(row.Type)} {BillingFormat.Cents(row.Cost)}", description);
    }

    [Fact]
    public async Task UsageTab_PeriodWithoutUsage_ShowsTheEmptyState()
    {
        var account = await CreateAccountAsync();
        Clock.AdjustTime(UsageNow);

        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, account));

        Assert.Contains("No usage in this period", cut.WaitForElement("[data-testid=usage-empty]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=usage-table]"));
        Assert.Empty(cut.FindAll("[data-testid=chart-spend-over-time]"));
    }

    [Fact]
    public void UsageTab_FailingLoad_ShowsAFriendlyError()
    {
        BreakTheDatabase();

        var cut = Render<UsageTab>(p => p.Add(x => x.AccountId, 1));

        var error = cut.WaitForElement("[data-testid=usage-error]");
        Assert.Contains("couldn't load your usage", error.TextContent);
        Assert.DoesNotContain("SQLite", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UsageTab_GroupingByModel_ImpliesProviderAndType()
    {
        Assert.Equal(UsageDimensions.Day | UsageDimensions.Model | UsageDimensions.Provider | UsageDimensions.Type,
            UsageFormat.Dimensions(UsageFormat.DefaultGroups));
        Assert.Equal(UsageDimensions.Key | UsageDimensions.Provider, UsageFormat.Dimensions([UsageGroup.Key, UsageGroup.Provider]));
        Assert.Equal(UsageDimensions.None, UsageFormat.Dimensions([]));
        Assert.Equal(UsageDimensions.Tag | UsageDimensions.Type, UsageFormat.Dimensions([UsageGroup.Tag, UsageGroup.Type]));
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<UsageTab> cut) => cut.FindAll("[data-testid=usage-row]");

    private void AssertRows(IRenderedComponent<UsageTab> cut, IReadOnlyList<UsageRow> expected, bool byDay, bool byModel)
    {
        var rows = Rows(cut);
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var (row, want) = (rows[i], expected[i]);
            if (byDay)
                Assert.Equal(want.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Cell(row, "usage-date"));
            if (byModel)
            {
                Assert.Equal(want.Model, row.QuerySelector("[data-testid=usage-model]")!.GetAttribute("data-model"));
                Assert.Equal(UsageFormat.Provider(want.Provider), Cell(row, "usage-provider"));
            }
            Assert.Equal(BillingFormat.Count(want.Calls), Cell(row, "usage-calls"));
            Assert.Equal(BillingFormat.Count(want.Tokens), Cell(row, "usage-tokens"));
            Assert.Equal(want.Cost.Format(), row.QuerySelector("[data-testid=usage-cost] [data-exact]")!.GetAttribute("data-exact"));
            Assert.Equal(BillingFormat.Cents(want.Cost), Cell(row, "usage-cost"));
        }
    }

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
