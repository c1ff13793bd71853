using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BillingConsole.Web.Tests.Browser;

/// <summary>What the audit trail and the usage tab say about tags and keys (issue 16), in a real browser: the audit
/// page's tag filter narrows the list and its CSV export, rows name their key, and the usage tab groups by tag.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Speed", "Slow")]
public sealed class AuditTrailBrowserTests(BrowserSession browser, ConsoleApp app)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly string[][] TagSets =
        [["prod"], ["prod", "team:search"], [], ["team:search"], ["batch"], ["prod"], [], ["prod", "team:search"]];

    /// <summary>An account of its own, owned by a user who can sign in, whose key "Search backend" made one settled
    /// call per <see cref="TagSets"/> entry through the metering service.</summary>
    private async Task<(long AccountId, string Email, string Secret)> CustomerWithTaggedCallsAsync()
    {
        var (accountId, keyId, secret) = await app.CreateCustomerAsync(Money.FromDollars(100));
        var email = $"audit-{accountId}@example.test";
        await using (var db = await app.DbFactory.CreateDbContextAsync(Ct))
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Name, "Search backend"), Ct);
            var tester = new User { Email = email, DisplayName = "Audit Tester", Role = Roles.Customer, AccountId = accountId };
            db.Users.Add(tester);
            await db.SaveChangesAsync(Ct);
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = tester.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }
        var meter = app.Services.GetRequiredService<MeteringService>();
        for (var i = 0; i < TagSets.Length; i++)
        {
            var model = i % 2 == 0 ? "gpt-4o-mini" : "claude-haiku-4-5";
            var hold = await meter.ReserveAsync(new MeterReserveCommand(Guid.NewGuid().ToString("N"), keyId, model, 4_000, 800, TagSets[i]), Ct);
            Assert.True(hold.Succeeded, hold.Failure?.Message);
            var settled = await meter.SettleAsync(new MeterSettleCommand(hold.Value!.ReservationId, new TokenCounts(2_000 + i * 100, 300, 0)), Ct);
            Assert.True(settled.Succeeded, settled.Failure?.Message);
        }
        return (accountId, email, secret);
    }

    [Fact]
    public async Task AuditPage_TagTyped_NarrowsTheRowsAndTheCsvExport()
    {
        var (_, email, secret) = await CustomerWithTaggedCallsAsync();
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/audit");
        var rows = page.GetByTestId("audit-row");
        await Assertions.Expect(rows).ToHaveCountAsync(TagSets.Length);
        await Assertions.Expect(page.GetByTestId("audit-key").First).ToHaveTextAsync("Search backend");

        var tagFilter = page.GetByTestId("audit-tag-filter");
        await tagFilter.FillAsync("team:search");
        await tagFilter.PressAsync("Tab");

        await Assertions.Expect(rows).ToHaveCountAsync(TagSets.Count(t => t.Contains("team:search")));
        foreach (var row in await rows.AllAsync())
            Assert.Contains("team:search", await row.GetByTestId("audit-tag").AllTextContentsAsync());
        var csv = page.GetByTestId("audit-export-csv");
        await Assertions.Expect(csv).ToHaveAttributeAsync("href", "/billing/requests?format=csv&download=true&tag=team%3Asearch");
        await ConsolePages.ScreenshotAsync(page, "audit-tag-filter");

        var download = await page.RunAndWaitForDownloadAsync(() => csv.ClickAsync());
        var table = CsvReading.Parse(await File.ReadAllTextAsync((await download.PathAsync())!, Ct));
        using var api = app.Client(secret);
        Assert.Equal(await api.GetStringAsync("/billing/requests?format=csv&download=true&tag=team%3Asearch", Ct),
            await File.ReadAllTextAsync((await download.PathAsync())!, Ct));
        Assert.Equal(TagSets.Count(t => t.Contains("team:search")), table.Count - 1);
        var (tags, keyName) = (Array.IndexOf(table[0], "tags"), Array.IndexOf(table[0], "key_name"));
        Assert.All(table.Skip(1), r => Assert.Contains("team:search", r[tags].Split(',')));
        Assert.All(table.Skip(1), r => Assert.Equal("Search backend", r[keyName]));

        // A row's tag is a shortcut to the same filter.
        await tagFilter.FillAsync("");
        await tagFilter.PressAsync("Tab");
        await Assertions.Expect(rows).ToHaveCountAsync(TagSets.Length);
        await page.GetByTestId("audit-tag").Filter(new() { HasTextRegex = new("^\\s*batch\\s*$") }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(tagFilter).ToHaveValueAsync("batch");
    }

    [Fact]
    public async Task UsageTab_GroupByTag_ShowsARowPerTagAndTheCostByTagChart()
    {
        var (_, email, _) = await CustomerWithTaggedCallsAsync();
        var page = await browser.NewPageAsync(app.BaseAddress);
        await ConsolePages.SignInAsync(page, email, "/billing?tab=usage");
        await Assertions.Expect(page.GetByTestId("usage-row").First).ToBeVisibleAsync();

        // The group-by select: untick Date and Model, tick Tag.
        await page.Locator(".mud-input-control", new() { Has = page.GetByTestId("usage-group-by") }).ClickAsync();
        var options = page.Locator(".mud-popover-open .mud-list-item");
        foreach (var option in new[] { "Date", "Model", "Tag" })
            await options.Filter(new() { HasText = option }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");

        var tagCells = page.GetByTestId("usage-tag");
        await Assertions.Expect(tagCells).ToHaveCountAsync(4);
        Assert.Equal(["(no tag)", "batch", "prod", "team:search"], (await tagCells.AllTextContentsAsync()).Select(t => t.Trim()).Order(StringComparer.Ordinal));
        var prod = page.GetByTestId("usage-row").Filter(new() { Has = page.GetByTestId("usage-tag").Filter(new() { HasTextRegex = new("^\\s*prod\\s*$") }) });
        await Assertions.Expect(prod.GetByTestId("usage-calls")).ToHaveTextAsync(TagSets.Count(t => t.Contains("prod")).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("usage-model")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("usage-tag-note")).ToBeVisibleAsync();
        var chart = page.GetByTestId("chart-cost-by-tag");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        Assert.True(await chart.Locator("svg").CountAsync() > 0, "the cost-by-tag chart has no chart drawn");
        await chart.ScrollIntoViewIfNeededAsync();
        await ConsolePages.ScreenshotAsync(page, "usage-group-by-tag");
    }
}
