using System.Globalization;
using AngleSharp.Dom;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Components.Audit;
using BillingConsole.Web.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BillingConsole.Web.Tests.Components;

/// <summary>/audit over real metered calls: rows are exactly what <see cref="UsageQueries.GetRequestsAsync"/> returns,
/// page after page, and every filter narrows them as the query does.</summary>
public sealed class AuditPageTests : MeteredComponentTest
{
    private static readonly string[] Models = ["gpt-4o", "claude-sonnet-4-5", "gpt-4o-mini", "gemini-2.5-flash"];

    /// <summary>An account with two keys and <paramref name="count"/> calls over two days: four models, some
    /// failures (every seventh) and cancellations (every eleventh), tags on the first key's calls.</summary>
    private async Task<(long Account, long ProdKey, long BatchKey)> SeedAsync(int count)
    {
        var account = await CreateCustomerAsync(Money.FromDollars(5_000));
        var prod = await CreateKeyAsync(account, "Production backend");
        var batch = await CreateKeyAsync(account, "Nightly batch");
        for (var i = 0; i < count; i++)
        {
            if (i == count / 2)
                Time.Advance(TimeSpan.FromDays(1));
            var key = i % 3 == 0 ? batch.Id : prod.Id;
            var model = Models[i % Models.Length];
            if (i % 11 == 5)
                await CancelledCallAsync(key, model);
            else if (i % 7 == 3)
                await CallAsync(key, model, 1_000 + i, 0, status: RequestStatus.Error, errorCode: "upstream_timeout");
            else
                await CallAsync(key, model, 12_000 + i * 37, 800 + i, cached: i % 2 == 0 ? 4_000 : 0,
                    tags: key == prod.Id ? ["prod", "team:search"] : [], streaming: i % 2 == 0);
        }
        return (account, prod.Id, batch.Id);
    }

    /// <summary>Signs a customer of <paramref name="account"/> in and renders the page at <paramref name="url"/>; with
    /// <paramref name="popovers"/> the popover host is rendered first, for the filter selects.</summary>
    private (IRenderedComponent<AuditPage> Page, IRenderedComponent<MudPopoverProvider>? Popovers) Open(long account, string url = "/audit",
        bool popovers = false)
    {
        SignInAs(account);
        var host = popovers ? RenderPopovers() : null;
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return (Render<AuditPage>(), host);
    }

    private IRenderedComponent<AuditPage> RenderPage(long account, string url = "/audit") => Open(account, url).Page;

    [Fact]
    public async Task AuditPage_ManyCalls_ShowsNewest50AndLoadMoreAppendsTheNextPages()
    {
        var (account, prod, _) = await SeedAsync(112);
        var other = await CreateCustomerAsync(Money.FromDollars(100), "Someone Else");
        var otherKey = await CreateKeyAsync(other, "Not yours");
        await CallAsync(otherKey.Id, "gpt-4o", 5_000, 100);

        var cut = RenderPage(account);

        cut.WaitForAssertion(() => Assert.Equal(AuditTrail.PageSize, Rows(cut).Count));
        var first = await Usage.GetRequestsAsync(account, new RequestFilter(), AuditTrail.PageSize, ct: Ct);
        Assert.Equal(first.Select(r => r.Id), Rows(cut).Select(RequestId));
        AssertRowsShow(cut, first, new Dictionary<long, string> { [prod] = "Production backend" });
        Assert.Contains("Showing the latest 50 calls", cut.Find("[data-testid=audit-count]").TextContent);

        await cut.Find("[data-testid=audit-load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(100, Rows(cut).Count));
        var second = await Usage.GetRequestsAsync(account, new RequestFilter(), AuditTrail.PageSize, before: first[^1].Id, ct: Ct);
        Assert.Equal(first.Concat(second).Select(r => r.Id), Rows(cut).Select(RequestId));

        await cut.Find("[data-testid=audit-load-more]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(112, Rows(cut).Count));
        var all = await Usage.GetRequestsAsync(account, new RequestFilter(), 1000, ct: Ct);
        Assert.Equal(all.Select(r => r.Id), Rows(cut).Select(RequestId));
        AssertRowsShow(cut, all, new Dictionary<long, string> { [prod] = "Production backend" });
        Assert.Empty(cut.FindAll("[data-testid=audit-load-more]"));
        Assert.Contains("every call: 112 in all", cut.Find("[data-testid=audit-end]").TextContent);
        Assert.DoesNotContain("Not yours", cut.Markup);
    }

    [Fact]
    public async Task AuditPage_Row_ShowsEveryFieldFormattedAndAnErrorItsCode()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(1_000));
        var key = await CreateKeyAsync(account, "Search API");
        var ok = await CallAsync(key.Id, "gpt-4.1", 345_678, 8_901, cached: 200_000, tags: ["prod", "team:search"], clientIp: "198.51.100.4");
        var failed = await CallAsync(key.Id, "claude-sonnet-4-5", 3_000, 0, status: RequestStatus.Error, errorCode: "upstream_503", streaming: false);
        var cancelled = await CancelledCallAsync(key.Id, "gpt-4o-mini");

        var cut = RenderPage(account);
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));
        var records = (await Usage.GetRequestsAsync(account, new RequestFilter(), 10, ct: Ct)).ToDictionary(r => r.ReservationId);

        var row = RowOf(cut, ok);
        var record = records[ok];
        Assert.Equal(record.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Cell(row, "audit-time"));
        Assert.Equal("2026-03-10", Cell(row, "audit-time")[..10]);
        Assert.Equal("gpt-4.1", Cell(row, "audit-model"));
        Assert.Equal("openai", Cell(row, "audit-provider"));
        Assert.Equal("Search API", Cell(row, "audit-key"));
        Assert.Equal("Success", Cell(row, "audit-status"));
        Assert.Equal("345,678", Cell(row, "audit-input"));
        Assert.Equal("8,901", Cell(row, "audit-output"));
        Assert.Equal("200,000", Cell(row, "audit-cached"));
        Assert.Equal(record.Cost.Format(), Cell(row, "audit-cost"));
        Assert.Equal(record.MarketCost.Format(), Cell(row, "audit-market-cost"));
        Assert.True(record.Cost.Units > 0 && record.MarketCost > record.Cost);
        Assert.Equal("1,250 ms", Cell(row, "audit-latency"));
        Assert.Equal("310 ms", Cell(row, "audit-ttfb"));
        Assert.Equal("streamed", Cell(row, "audit-streaming"));
        Assert.Equal("198.51.100.4", Cell(row, "audit-client-ip"));
        Assert.Equal(["prod", "team:search"], row.QuerySelectorAll("[data-testid=audit-tag]").Select(t => t.TextContent.Trim()));
        Assert.Equal($"/audit?reservation={ok}", row.QuerySelector("[data-testid=audit-permalink]")!.GetAttribute("href"));

        var error = RowOf(cut, failed);
        Assert.Equal("Error", Cell(error, "audit-status"));
        Assert.Equal("upstream_503", Cell(error, "audit-error-code"));
        Assert.Equal("$0.00", Cell(error, "audit-cost"));
        Assert.Equal("not streamed", Cell(error, "audit-streaming"));
        Assert.Empty(error.QuerySelectorAll("[data-testid=audit-tag]"));

        var release = RowOf(cut, cancelled);
        Assert.Equal("Cancelled", Cell(release, "audit-status"));
        Assert.Null(release.QuerySelector("[data-testid=audit-error-code]"));
        Assert.Equal("—", Cell(release, "audit-latency"));
        Assert.Equal("—", Cell(release, "audit-ttfb"));
    }

    [Fact]
    public async Task AuditPage_EachFilter_NarrowsRowsToTheQueryAndExportsCarryIt()
    {
        var (account, prod, batch) = await SeedAsync(60);
        var (cut, host) = Open(account, popovers: true);
        var popovers = host!;
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));

        // Model
        await ChooseAsync(cut, popovers, "audit-model-filter", "GPT-4o mini · openai");
        var modelId = Prices.FindBySlug("gpt-4o-mini")!.Model.Id;
        await AssertRowsAsync(cut, account, new RequestFilter(ModelId: modelId));
        Assert.All(Rows(cut), r => Assert.Equal("gpt-4o-mini", Cell(r, "audit-model")));
        Assert.Equal("/billing/requests?format=csv&download=true&model=gpt-4o-mini", ExportUrl(cut, "csv"));

        // + key
        await ChooseAsync(cut, popovers, "audit-key-filter", "Nightly batch");
        await AssertRowsAsync(cut, account, new RequestFilter(ModelId: modelId, ApiKeyId: batch));
        Assert.All(Rows(cut), r => Assert.Equal("Nightly batch", Cell(r, "audit-key")));

        // Status instead of model and key
        await cut.Find("[data-testid=audit-clear]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));
        await ChooseAsync(cut, popovers, "audit-status-filter", "Error");
        var errors = await AssertRowsAsync(cut, account, new RequestFilter(Status: RequestStatus.Error));
        Assert.NotEmpty(errors);
        Assert.All(Rows(cut), r => Assert.Equal("upstream_timeout", Cell(r, "audit-error-code")));
        Assert.Equal("/billing/requests?format=json&download=true&status=error", ExportUrl(cut, "json"));

        // Dates: the calls span 2026-03-10 and 2026-03-11.
        await cut.Find("[data-testid=audit-clear]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));
        await cut.Find("input[data-testid=audit-from]").ChangeAsync(new() { Value = "2026-03-11" });
        var secondDay = await AssertRowsAsync(cut, account, new RequestFilter(From: new DateOnly(2026, 3, 11)));
        Assert.Equal(30, secondDay.Count);
        await cut.Find("input[data-testid=audit-to]").ChangeAsync(new() { Value = "2026-03-10" });
        var problem = cut.WaitForElement("[data-testid=audit-filter-error]");
        Assert.Contains("start date is after the end date", problem.TextContent);
        Assert.Empty(Rows(cut));
        await cut.Find("input[data-testid=audit-from]").ChangeAsync(new() { Value = "2026-03-10" });
        var firstDay = await AssertRowsAsync(cut, account, new RequestFilter(From: new DateOnly(2026, 3, 10), To: new DateOnly(2026, 3, 10)));
        Assert.Equal(30, firstDay.Count);
        Assert.Equal("/billing/requests?format=csv&download=true&from=2026-03-10&to=2026-03-10", ExportUrl(cut, "csv"));
        Assert.Equal(prod, (await KeyService.FindAsync(account, prod, Ct))!.Id);
    }

    [Fact]
    public async Task AuditPage_TagFilter_TypedOrClicked_NarrowsRowsPagesAndExports()
    {
        var (account, _, batch) = await SeedAsync(120);
        for (var i = 0; i < 3; i++)
            await CallAsync(batch, "gpt-4o", 2_000, 100, tags: ["nightly"]);
        var cut = RenderPage(account);
        cut.WaitForAssertion(() => Assert.Equal(50, Rows(cut).Count));

        // Typed: more than a page carries team:search, so "Load more" pages within the tag.
        await TypeTagAsync(cut, " team:search ");
        var first = await AssertRowsAsync(cut, account, new RequestFilter(Tag: "team:search"));
        Assert.Equal(50, first.Count);
        await cut.Find("[data-testid=audit-load-more]").ClickAsync(new());
        var all = await Usage.GetRequestsAsync(account, new RequestFilter(Tag: "team:search"), 1000, ct: Ct);
        cut.WaitForAssertion(() => Assert.Equal(all.Select(r => r.Id), Rows(cut).Select(RequestId)));
        Assert.All(Rows(cut), r => Assert.Contains("team:search", r.QuerySelectorAll("[data-testid=audit-tag]").Select(t => t.TextContent.Trim())));
        Assert.Equal("/billing/requests?format=csv&download=true&tag=team%3Asearch", ExportUrl(cut, "csv"));
        Assert.Equal("/billing/requests?format=json&download=true&tag=team%3Asearch", ExportUrl(cut, "json"));

        // Clicked: a row's tag becomes the filter.
        await cut.Find("[data-testid=audit-clear]").ClickAsync(new());
        var nightly = cut.WaitForElement("[data-testid=audit-row] [data-testid=audit-tag]");
        Assert.Equal("nightly", nightly.TextContent.Trim());
        await nightly.ClickAsync(new());
        var tagged = await AssertRowsAsync(cut, account, new RequestFilter(Tag: "nightly"));
        Assert.Equal(3, tagged.Count);
        Assert.Equal("nightly", cut.Find("input[data-testid=audit-tag-filter]").GetAttribute("value"));
        Assert.Contains("every matching call: 3 in all", cut.Find("[data-testid=audit-end]").TextContent);
    }

    [Fact]
    public async Task AuditPage_TagThatIsNotATag_IsExplainedAndNothingIsExported()
    {
        var (account, _, _) = await SeedAsync(8);
        var cut = RenderPage(account);
        cut.WaitForAssertion(() => Assert.Equal(8, Rows(cut).Count));

        await TypeTagAsync(cut, "prod, batch");

        var problem = cut.WaitForElement("[data-testid=audit-filter-error]");
        Assert.Contains("“prod, batch” is not a tag", problem.TextContent);
        Assert.Empty(Rows(cut));
        Assert.NotNull(cut.Find("[data-testid=audit-export-csv]").GetAttribute("disabled"));
    }

    [Fact]
    public async Task AuditPage_QueryStringTag_PresetsTheFilter()
    {
        var (account, _, _) = await SeedAsync(20);

        var cut = RenderPage(account, "/audit?tag=prod&status=success");

        var expected = await Usage.GetRequestsAsync(account, new RequestFilter(Status: RequestStatus.Success, Tag: "prod"), 100, ct: Ct);
        Assert.NotEmpty(expected);
        cut.WaitForAssertion(() => Assert.Equal(expected.Select(r => r.Id), Rows(cut).Select(RequestId)));
        Assert.Equal("prod", cut.Find("input[data-testid=audit-tag-filter]").GetAttribute("value"));
        Assert.Equal("/billing/requests?format=json&download=true&status=success&tag=prod", ExportUrl(cut, "json"));
    }

    [Fact]
    public async Task AuditPage_KeyColumn_KeepsARevokedKeysNameAndShowsADashWithoutAKey()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(100));
        var key = await CreateKeyAsync(account, "Old mobile app");
        var call = await CallAsync(key.Id, "gpt-4o-mini", 1_000, 100);
        Assert.True(await KeyService.RevokeAsync(account, key.Id, Ct));
        // No path writes a record without a key today; older records may have none, so one is put in directly.
        await using (var db = await Factory.CreateDbContextAsync(Ct))
        {
            var template = await db.RequestRecords.SingleAsync(r => r.ReservationId == call, Ct);
            db.RequestRecords.Add(new RequestRecord
            {
                AccountId = account, ReservationId = -call, ApiKeyId = null, ModelId = template.ModelId, PriceId = template.PriceId,
                Status = RequestStatus.Cancelled, StartedAt = template.CompletedAt, CompletedAt = template.CompletedAt,
            });
            await db.SaveChangesAsync(Ct);
        }

        var cut = RenderPage(account);

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        Assert.Equal("Old mobile app", Cell(RowOf(cut, call), "audit-key"));
        Assert.Equal("—", Cell(RowOf(cut, -call), "audit-key"));
    }

    [Fact]
    public async Task AuditPage_FilterMatchingNothing_SaysSoAndOffersToClearIt()
    {
        var (account, _, _) = await SeedAsync(8);
        var (cut, host) = Open(account, popovers: true);
        var popovers = host!;
        cut.WaitForAssertion(() => Assert.Equal(8, Rows(cut).Count));

        await ChooseAsync(cut, popovers, "audit-model-filter", "Grok 4 · xai");

        var empty = cut.WaitForElement("[data-testid=audit-empty]");
        Assert.Contains("No calls match these filters", empty.TextContent);
        await empty.QuerySelector("button")!.ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(8, Rows(cut).Count));
    }

    [Fact]
    public async Task AuditPage_ReservationInQueryString_ShowsThatOneCall()
    {
        var (account, _, _) = await SeedAsync(20);
        var records = await Usage.GetRequestsAsync(account, new RequestFilter(), 100, ct: Ct);
        var target = records[7];

        var cut = RenderPage(account, $"/audit?reservation={target.ReservationId}");

        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));
        Assert.Equal(target.Id, RequestId(Rows(cut)[0]));
        Assert.Contains($"#{target.ReservationId}", cut.Find("[data-testid=audit-single]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=audit-model-filter]"));
        Assert.Equal($"/billing/requests?format=csv&download=true&reservation_id={target.ReservationId}", ExportUrl(cut, "csv"));
        Assert.Equal("/audit", cut.Find("[data-testid=audit-show-all]").GetAttribute("href"));
        Assert.Contains("whole record of this call", cut.Find("[data-testid=audit-end]").TextContent);
    }

    [Fact]
    public async Task AuditPage_QueryString_PresetsTheFilters()
    {
        var (account, prod, _) = await SeedAsync(20);

        var cut = RenderPage(account, $"/audit?key={prod}&status=success&model=claude-sonnet-4-5");

        var expected = await Usage.GetRequestsAsync(account,
            new RequestFilter(ModelId: Prices.FindBySlug("claude-sonnet-4-5")!.Model.Id, ApiKeyId: prod, Status: RequestStatus.Success), 100, ct: Ct);
        Assert.NotEmpty(expected);
        cut.WaitForAssertion(() => Assert.Equal(expected.Select(r => r.Id), Rows(cut).Select(RequestId)));
        Assert.Equal("Claude Sonnet 4.5 · anthropic", cut.Find("input[data-testid=audit-model-filter]").GetAttribute("value"));
        Assert.StartsWith("Production backend · bc_live_", cut.Find("input[data-testid=audit-key-filter]").GetAttribute("value"));
        Assert.Equal("Success", cut.Find("input[data-testid=audit-status-filter]").GetAttribute("value"));
        Assert.Equal($"/billing/requests?format=json&download=true&model=claude-sonnet-4-5&key_id={prod}&status=success", ExportUrl(cut, "json"));
    }

    [Fact]
    public async Task AuditPage_ReservationOfAnotherAccount_IsNotShown()
    {
        var mine = await CreateCustomerAsync(Money.FromDollars(100));
        var theirs = await CreateCustomerAsync(Money.FromDollars(100), "Someone Else");
        var theirKey = await CreateKeyAsync(theirs, "theirs");
        var reservation = await CallAsync(theirKey.Id, "gpt-4o", 1_000, 10);

        var cut = RenderPage(mine, $"/audit?reservation={reservation}");

        var empty = cut.WaitForElement("[data-testid=audit-empty]");
        Assert.Contains($"No call with reservation #{reservation}", empty.TextContent);
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task AuditPage_AccountWithoutCalls_ShowsTheEmptyState()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));

        var cut = RenderPage(account);

        var empty = cut.WaitForElement("[data-testid=audit-empty]");
        Assert.Contains("No API calls yet", empty.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=audit-load-more]"));
    }

    [Fact]
    public async Task AuditPage_FailingLoad_ShowsAFriendlyErrorInsteadOfCrashing()
    {
        var account = await CreateCustomerAsync(Money.FromDollars(10));
        Services.AddSingleton(new UsageQueries(UnmigratedFactory()));

        var cut = RenderPage(account);

        var error = cut.WaitForElement("[data-testid=audit-error]");
        Assert.Contains("couldn't load your audit trail", error.TextContent);
        Assert.DoesNotContain("SQLite", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AuditPage_UserWithoutAccount_GetsAnExplanation()
    {
        SignInAs(accountId: null);

        var cut = Render<AuditPage>();

        cut.WaitForElement("[data-testid=no-account]");
        Assert.Empty(Rows(cut));
    }

    private async Task<IReadOnlyList<RequestRow>> AssertRowsAsync(IRenderedComponent<AuditPage> cut, long account, RequestFilter filter)
    {
        var expected = await Usage.GetRequestsAsync(account, filter, AuditTrail.PageSize, ct: Ct);
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("[data-testid=audit-updating]"));
            Assert.Equal(expected.Select(r => r.Id), Rows(cut).Select(RequestId));
        });
        return expected;
    }

    /// <summary>Opens a MudSelect the way a pointer does and picks the option with this text.</summary>
    private static async Task ChooseAsync(IRenderedComponent<AuditPage> cut, IRenderedComponent<MudPopoverProvider> popovers, string testId, string option)
    {
        var control = cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")!;
        await control.MouseDownAsync(new());
        var item = popovers.WaitForElements(".mud-popover-open .mud-list-item")
            .Single(e => e.TextContent.Trim() == option || e.TextContent.Trim().StartsWith(option + " · ", StringComparison.Ordinal));
        await item.ClickAsync(new());
        popovers.WaitForAssertion(() => Assert.Empty(popovers.FindAll(".mud-popover-open .mud-list-item")));
    }

    /// <summary>Types into the tag field and leaves it, as a person does (the field also applies a pause in typing).</summary>
    private static async Task TypeTagAsync(IRenderedComponent<AuditPage> cut, string text)
    {
        await cut.Find("input[data-testid=audit-tag-filter]").InputAsync(new() { Value = text });
        await cut.Find("input[data-testid=audit-tag-filter]").BlurAsync(new());
    }

    private static string ExportUrl(IRenderedComponent<AuditPage> cut, string format) =>
        cut.Find($"[data-testid=audit-export-{format}]").GetAttribute("href")!;

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AuditPage> cut) => cut.FindAll("[data-testid=audit-row]");

    private static IElement RowOf(IRenderedComponent<AuditPage> cut, long reservationId) =>
        cut.Find($"[data-testid=audit-row][data-reservation-id='{reservationId}']");

    private static long RequestId(IElement row) => long.Parse(row.GetAttribute("data-request-id")!, CultureInfo.InvariantCulture);

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private static void AssertRowsShow(IRenderedComponent<AuditPage> cut, IReadOnlyList<RequestRow> records, Dictionary<long, string> keyNames)
    {
        var byId = records.ToDictionary(r => r.Id);
        foreach (var row in Rows(cut))
        {
            var record = byId[RequestId(row)];
            Assert.Equal(record.ReservationId.ToString(CultureInfo.InvariantCulture), row.GetAttribute("data-reservation-id"));
            Assert.Equal(record.Model, Cell(row, "audit-model"));
            Assert.Equal(record.Status, row.QuerySelector("[data-testid=audit-status]")!.GetAttribute("data-status"));
            Assert.Equal(record.InputTokens.ToString("N0", CultureInfo.GetCultureInfo("en-US")), Cell(row, "audit-input"));
            Assert.Equal(record.OutputTokens.ToString("N0", CultureInfo.GetCultureInfo("en-US")), Cell(row, "audit-output"));
            Assert.Equal(record.CachedTokens.ToString("N0", CultureInfo.GetCultureInfo("en-US")), Cell(row, "audit-cached"));
            Assert.Equal(record.Cost.Format(), Cell(row, "audit-cost"));
            Assert.Equal(record.MarketCost.Format(), Cell(row, "audit-market-cost"));
            Assert.Equal(record.Streaming ? "streamed" : "not streamed", Cell(row, "audit-streaming"));
            Assert.Equal(record.Tags, row.QuerySelectorAll("[data-testid=audit-tag]").Select(t => t.TextContent.Trim()));
            if (record.ApiKeyId is { } keyId && keyNames.TryGetValue(keyId, out var name))
                Assert.Equal(name, Cell(row, "audit-key"));
        }
    }
}
