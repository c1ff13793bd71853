using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Usage;

public abstract partial class UsageConformanceTests
{
    private static DateOnly First(BillingMonth m) => DateOnly.FromDateTime(m.Start);

    private static DateOnly Last(BillingMonth m) => DateOnly.FromDateTime(m.End).AddDays(-1);

    [Fact]
    public async Task Summary_AgreesWithTheRequestRecords_TheUsageRows_AndTheLedger()
    {
        var h = await WriteHistoryAsync();
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        foreach (var month in new[] { February, March })
        {
            var summary = await Usage.GetSummaryAsync(h.AccountId, month, Ct);
            var (start, end) = (month.Start, month.End);
            var records = await db.RequestRecords.Where(r => r.AccountId == h.AccountId && r.CompletedAt >= start && r.CompletedAt < end
                                                             && (r.Status == RequestStatus.Success || r.Status == RequestStatus.Error)).ToListAsync(Ct);
            var settled = h.SettledIn(month).ToList();

            Assert.Equal(settled.Count, summary.ApiCalls);
            Assert.Equal(records.Count, summary.ApiCalls);
            Assert.Equal(records.Sum(r => r.InputTokens + r.OutputTokens), summary.TotalTokens);
            Assert.Equal(settled.Sum(c => c.Input + c.Output), summary.TotalTokens);
            Assert.Equal(Sum(settled.Select(c => c.Cost)), summary.CallsCost);
            Assert.Equal(Sum(settled.Select(c => c.MarketCost)), summary.MarketCost);
            Assert.Equal(summary.MarketCost - summary.CallsCost, summary.Saved);
            Assert.True(summary.Saved.Units > 0, "our prices are below market, so settled calls save money");
            Assert.Equal(Math.Round(summary.Saved.Units * 100m / summary.MarketCost.Units, 2, MidpointRounding.AwayFromZero), summary.SavedPct);
            Assert.InRange(summary.SavedPct, 9m, 11m);

            foreach (var groupBy in new[] { UsageDimensions.Day, UsageDimensions.Model, UsageGrouping.Default, UsageDimensions.Key | UsageDimensions.Provider })
            {
                var rows = await Usage.GetUsageAsync(h.AccountId, First(month), Last(month), groupBy, Ct);
                Assert.Equal(summary.ApiCalls, rows.Sum(r => r.Calls));
                Assert.Equal(summary.TotalTokens, rows.Sum(r => r.Tokens));
                Assert.Equal(summary.CallsCost, Sum(rows.Select(r => r.Cost)));
                Assert.Equal(summary.MarketCost, Sum(rows.Select(r => r.MarketCost)));
            }

            // Total cost is what the ledger says the month spent: holds (open ones too), true-ups, releases, usage, storage.
            long spent = 0;
            foreach (var type in new[] { EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit, EntryTypes.StorageBilling })
                spent += (await LedgerSumAsync(h.AccountId, month, type)).Amount;
            Assert.Equal(new Money(-spent), summary.TotalCost);
        }

        // Over both months, independently of the ledger: every call's cost, the open hold, usage debits and storage.
        var both = (await Usage.GetSummaryAsync(h.AccountId, February, Ct)).TotalCost + (await Usage.GetSummaryAsync(h.AccountId, March, Ct)).TotalCost;
        var expected = Sum(h.Calls.Select(c => c.Cost)) + h.OpenHold!.Value.Held
                       - h.Posted(February, EntryTypes.UsageDebit, EntryTypes.StorageBilling) - h.Posted(March, EntryTypes.UsageDebit, EntryTypes.StorageBilling);
        Assert.Equal(expected, both);
    }

    [Fact]
    public async Task Summary_OfAnEmptyMonth_IsZero()
    {
        var h = await WriteHistoryAsync();
        var summary = await Usage.GetSummaryAsync(h.AccountId, April, Ct);

        Assert.Equal(new UsageSummary(April, Money.Zero, 0, 0, Money.Zero, Money.Zero, Money.Zero, 0m), summary);
    }

    [Fact]
    public async Task Usage_ByDayAndModel_MatchesTheCallsGroupedTheSameWay_InOrder()
    {
        var h = await WriteHistoryAsync();
        var rows = await Usage.GetUsageAsync(h.AccountId, First(February), Last(March), UsageGrouping.Default, Ct);

        var expected = h.Calls
            .GroupBy(c => (Date: DateOnly.FromDateTime(c.CompletedAt), c.Model))
            .Select(g => new UsageRow(g.Key.Date, g.Key.Model, null, null, null, null, g.Count(), g.Sum(c => c.Input), g.Sum(c => c.Output),
                g.Sum(c => c.Cached), Sum(g.Select(c => c.Cost)), Sum(g.Select(c => c.MarketCost))))
            .ToList();
        Assert.Equal(expected.OrderBy(r => r.Date).ThenByDescending(r => r.Cost).ThenBy(r => r.Model, StringComparer.Ordinal), rows);
        Assert.Contains(rows, r => r.Date == new DateOnly(2026, 3, 1));
    }

    [Fact]
    public async Task Usage_ByProviderTypeAndKey_LeavesTheOtherFieldsNull()
    {
        var h = await WriteHistoryAsync();
        var rows = await Usage.GetUsageAsync(h.AccountId, First(February), Last(March),
            UsageDimensions.Provider | UsageDimensions.Type | UsageDimensions.Key, Ct);

        var providers = new Dictionary<string, (string Provider, string Type)>
        {
            ["gpt-4o"] = ("openai", "chat"), ["gpt-4o-mini"] = ("openai", "chat"), ["claude-sonnet-4-5"] = ("anthropic", "chat"),
            ["gemini-2.5-flash"] = ("google", "chat"), ["text-embedding-3-small"] = ("openai", "embedding"),
        };
        var expected = h.Calls
            .GroupBy(c => (providers[c.Model].Provider, providers[c.Model].Type, c.KeyId))
            .ToDictionary(g => g.Key, g => (Calls: (long)g.Count(), Cost: Sum(g.Select(c => c.Cost))));
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal((null, null, null), (row.Date, row.Model, row.Tag));
            Assert.Equal(expected[(row.Provider!, row.Type!, row.KeyId!.Value)], (row.Calls, row.Cost));
        }
        Assert.Equal(rows.OrderByDescending(r => r.Cost), rows);
    }

    [Fact]
    public async Task Usage_ByTag_CountsACallUnderEachOfItsTags_AndUntaggedUnderNull()
    {
        var h = await WriteHistoryAsync();
        var rows = await Usage.GetUsageAsync(h.AccountId, First(February), Last(March), UsageDimensions.Tag, Ct);
        var byDay = await Usage.GetUsageAsync(h.AccountId, First(March), Last(March), UsageDimensions.Tag | UsageDimensions.Day, Ct);

        var tags = h.Calls.SelectMany(c => c.Tags.Count == 0 ? [(string?)null] : c.Tags.Select(t => (string?)t)).Distinct().ToList();
        Assert.Equal(tags.Count, rows.Count);
        foreach (var tag in tags)
        {
            var calls = h.Calls.Where(c => tag is null ? c.Tags.Count == 0 : c.Tags.Contains(tag)).ToList();
            var row = rows.Single(r => r.Tag == tag);
            Assert.Equal((calls.Count, calls.Sum(c => c.Input), Sum(calls.Select(c => c.Cost))), ((int)row.Calls, row.InputTokens, row.Cost));
            Assert.Equal((null, null, null), (row.Date, row.Model, row.KeyId));
        }
        Assert.Contains(h.Calls, c => c.Tags.Count == 2);
        Assert.True(rows.Sum(r => r.Calls) > h.Calls.Count, "a call with two tags counts under each");
        Assert.Equal(rows.OrderByDescending(r => r.Cost), rows);

        foreach (var row in byDay)
        {
            var calls = h.SettledIn(March).Where(c => DateOnly.FromDateTime(c.CompletedAt) == row.Date
                                                      && (row.Tag is null ? c.Tags.Count == 0 : c.Tags.Contains(row.Tag))).ToList();
            Assert.Equal((calls.Count, Sum(calls.Select(c => c.MarketCost))), ((int)row.Calls, row.MarketCost));
        }
        Assert.Equal(byDay.Select(r => r.Date).Order(), byDay.Select(r => r.Date));
    }

    [Fact]
    public async Task Usage_OtherRangesAndAccounts_AreLeftOut()
    {
        var h = await WriteHistoryAsync(seed: 1);
        var other = await WriteHistoryAsync(seed: 2);
        var rows = await Usage.GetUsageAsync(h.AccountId, new DateOnly(2026, 2, 10), new DateOnly(2026, 3, 1), UsageDimensions.Day, Ct);

        var expected = h.Calls.Where(c => c.CompletedAt >= new DateTime(2026, 2, 10, 0, 0, 0, DateTimeKind.Utc)
                                          && c.CompletedAt < new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc)).ToList();
        Assert.Equal(expected.Count, rows.Sum(r => r.Calls));
        Assert.Equal(Sum(expected.Select(c => c.Cost)), Sum(rows.Select(r => r.Cost)));
        Assert.Equal(new DateOnly(2026, 3, 1), rows[^1].Date);
        Assert.NotEqual(Sum(h.Calls.Select(c => c.Cost)), Sum(other.Calls.Select(c => c.Cost)));
        Assert.Empty(await Usage.GetUsageAsync(h.AccountId, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 30), UsageGrouping.Default, Ct));
    }

    [Fact]
    public async Task Usage_ByKey_ReportsRollupsWithoutAKeyAsNull()
    {
        Db.RequireAvailable();
        var accountId = await Db.CreateAccountAsync();
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
        {
            var modelId = await db.CatalogModels.Where(m => m.Slug == "gpt-4o").Select(m => m.Id).SingleAsync(Ct);
            // Calls made without a key are rolled up under api_key_id 0 (the settle batch never writes them for metered keys).
            db.UsageRollups.Add(new UsageRollup
            {
                AccountId = accountId, Day = new DateTime(2026, 2, 3, 0, 0, 0, DateTimeKind.Utc), ModelId = modelId, ApiKeyId = 0,
                Calls = 2, InputTokens = 10, OutputTokens = 5, Cost = 7, MarketCost = 9,
            });
            await db.SaveChangesAsync(Ct);
        }

        var row = Assert.Single(await Usage.GetUsageAsync(accountId, First(February), Last(February), UsageDimensions.Key | UsageDimensions.Model, Ct));

        Assert.Equal(new UsageRow(null, "gpt-4o", null, null, null, null, 2, 10, 5, 0, new Money(7), new Money(9)), row);
        Assert.Equal(15, row.Tokens);
    }

    [Fact]
    public async Task Usage_BackwardOrTooLongRange_IsRejected()
    {
        Db.RequireAvailable();
        await Assert.ThrowsAsync<ArgumentException>(() => Usage.GetUsageAsync(1, new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1), UsageGrouping.Default, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Usage.GetUsageAsync(1, new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 2), UsageGrouping.Default, Ct));
        Assert.Empty(await Usage.GetUsageAsync(1, new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 1), UsageGrouping.Default, Ct));
    }

    [Theory]
    [InlineData(null, UsageDimensions.Day | UsageDimensions.Model)]
    [InlineData("day", UsageDimensions.Day)]
    [InlineData("model,day", UsageDimensions.Day | UsageDimensions.Model)]
    [InlineData(" Provider , key,type,tag,day,model", (UsageDimensions)63)]
    [InlineData("day,day", UsageDimensions.Day)]
    public void GroupBy_KnownNames_AreParsed(string? text, UsageDimensions expected)
    {
        Assert.Null(UsageGrouping.TryParse(text, out var dimensions));
        Assert.Equal(expected, dimensions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("day,")]
    [InlineData("days")]
    [InlineData("day;model")]
    [InlineData("account")]
    public void GroupBy_UnknownNames_AreRejected(string text) => Assert.NotNull(UsageGrouping.TryParse(text, out _));
}
