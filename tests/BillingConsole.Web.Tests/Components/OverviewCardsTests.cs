using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Components.Billing;
using BillingConsole.Web.Components.Usage;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.Web.Tests.Components;

public sealed class OverviewCardsTests : LedgerComponentTest
{
    private UsageQueries Usage => Services.GetRequiredService<UsageQueries>();

    [Fact]
    public async Task SummaryCards_ThisUtcMonth_ShowTheUsageQueryFigures()
    {
        var (account, calls) = await SeedUsageAsync();
        var summary = await Usage.GetSummaryAsync(account, BillingMonth.Of(UsageNow), Ct);
        var march = calls.Where(c => c.At.Month == 3).ToList();
        Assert.Equal(march.Count, summary.ApiCalls);
        Assert.Equal(march.Aggregate(Money.Zero, (sum, c) => sum + c.Settled.Cost), summary.TotalCost);

        var cut = Render<SummaryCards>(p => p.Add(x => x.AccountId, account));

        var cost = cut.WaitForElement("[data-testid=summary-total-cost]");
        Assert.Equal(BillingFormat.Cents(summary.TotalCost), cost.TextContent.Trim());
        Assert.Equal(summary.TotalCost.Format(), cost.QuerySelector("[data-exact]")!.GetAttribute("data-exact"));
        Assert.Equal(summary.ApiCalls.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")),
            cut.Find("[data-testid=summary-api-calls]").TextContent.Trim());
        Assert.Equal(BillingFormat.Count(summary.TotalTokens), cut.Find("[data-testid=summary-total-tokens]").TextContent.Trim());
        Assert.Contains(",", cut.Find("[data-testid=summary-total-tokens]").TextContent);
        Assert.Contains("March 2026", cut.Markup);
    }

    [Fact]
    public async Task Savings_ChosenPeriod_AreMarketRateMinusCostExactly()
    {
        var (account, calls) = await SeedUsageAsync();
        var cut = Render<SavingsCard>(p => p.Add(x => x.AccountId, account));

        // This month (the default): March 1 to 18.
        var march = Expected(calls.Where(c => c.At >= new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc)));
        cut.WaitForAssertion(() => Assert.Equal(BillingFormat.Cents(march.Saved), Text(cut, "savings-saved-amount")));
        AssertShows(cut, march);
        Assert.Contains("2026-03-01 – 2026-03-18", Text(cut, "savings-range"));
        var rows = await Usage.GetUsageAsync(account, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 18), UsageDimensions.None, Ct);
        Assert.Equal(rows.Single().MarketCost - rows.Single().Cost, march.Saved);

        // Last month, picked in the select: February only.
        Assert.Equal(UsagePeriods.All.Select(UsagePeriods.Label), cut.FindAll("[data-testid=savings-period] option").Select(o => o.TextContent));
        await cut.Find("[data-testid=savings-period]").ChangeAsync(new() { Value = nameof(UsagePeriod.LastMonth) });
        var february = Expected(calls.Where(c => c.At.Month == 2));
        cut.WaitForAssertion(() => Assert.Equal(BillingFormat.Cents(february.Saved), Text(cut, "savings-saved-amount")));
        AssertShows(cut, february);
        Assert.Contains("2026-02-01 – 2026-02-28", Text(cut, "savings-range"));
    }

    [Fact]
    public async Task Savings_UnknownPeriodValue_KeepsThePeriodShown()
    {
        var (account, calls) = await SeedUsageAsync();
        var cut = Render<SavingsCard>(p => p.Add(x => x.AccountId, account));
        var march = Expected(calls.Where(c => c.At >= new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc)));
        cut.WaitForAssertion(() => Assert.Equal(BillingFormat.Cents(march.Saved), Text(cut, "savings-saved-amount")));

        // The value comes from the browser: a forged one is not a period.
        await cut.Find("[data-testid=savings-period]").ChangeAsync(new() { Value = "Last1000Days" });
        await cut.Find("[data-testid=savings-period]").ChangeAsync(new() { Value = "42" });

        AssertShows(cut, march);
        Assert.Contains("2026-03-01 – 2026-03-18", Text(cut, "savings-range"));
        Assert.Equal("This month", cut.Find("[data-testid=savings-period] option[selected]").TextContent);
    }

    [Fact]
    public async Task Savings_PeriodWithoutCalls_AreZeroWithoutAPercentage()
    {
        var account = await CreateAccountAsync();
        Clock.AdjustTime(UsageNow);

        var cut = Render<SavingsCard>(p => p.Add(x => x.AccountId, account));

        cut.WaitForElement("[data-testid=savings-empty]");
        Assert.Equal("$0.00", Text(cut, "savings-saved-amount"));
        Assert.Equal("—", Text(cut, "savings-saved-pct"));
    }

    private static (Money Cost, Money Market, Money Saved, decimal Pct) Expected(IEnumerable<SeededCall> calls)
    {
        var list = calls.ToList();
        var cost = list.Aggregate(Money.Zero, (sum, c) => sum + c.Settled.Cost);
        var market = list.Aggregate(Money.Zero, (sum, c) => sum + c.Settled.MarketCost);
        Assert.True(market > cost, "the seeded calls should cost less than the market rate");
        return (cost, market, market - cost, Math.Round((market - cost).Units * 100m / market.Units, 1, MidpointRounding.AwayFromZero));
    }

    private static void AssertShows(IRenderedComponent<SavingsCard> cut, (Money Cost, Money Market, Money Saved, decimal Pct) expected)
    {
        Assert.Equal(BillingFormat.Cents(expected.Cost), Text(cut, "savings-spend"));
        Assert.Equal(BillingFormat.Cents(expected.Market), Text(cut, "savings-market"));
        Assert.Equal(expected.Saved.Format(), cut.Find("[data-testid=savings-saved-amount]").GetAttribute("data-exact"));
        Assert.Equal(BillingFormat.Percent(expected.Pct), Text(cut, "savings-saved-pct"));
    }

    private static string Text<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid={testId}]").TextContent.Trim();
}
