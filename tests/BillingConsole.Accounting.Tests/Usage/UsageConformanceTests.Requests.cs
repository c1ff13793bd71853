using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Usage;

public abstract partial class UsageConformanceTests
{
    private async Task<List<RequestRow>> AllPagesAsync(long accountId, RequestFilter filter, int limit)
    {
        var all = new List<RequestRow>();
        long? before = null;
        while (true)
        {
            var page = await Usage.GetRequestsAsync(accountId, filter, limit, before, Ct);
            Assert.True(page.Count <= limit);
            all.AddRange(page);
            if (page.Count < limit)
                return all;
            before = page[^1].Id;
        }
    }

    [Fact]
    public async Task Requests_PagedToTheEnd_AreEveryRecordNewestFirst()
    {
        var h = await WriteHistoryAsync();
        var all = await AllPagesAsync(h.AccountId, new RequestFilter(), 7);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var records = await db.RequestRecords.Where(r => r.AccountId == h.AccountId).OrderByDescending(r => r.Id).ToListAsync(Ct);
        Assert.Equal(records.Select(r => r.Id), all.Select(r => r.Id));
        Assert.Equal(h.Calls.Count + h.Released.Count, all.Count);
        Assert.Equal(h.Released.Count, all.Count(r => r.Status == RequestStatus.Cancelled));

        var calls = h.Calls.ToDictionary(c => c.ReservationId);
        foreach (var row in all.Where(r => r.Status != RequestStatus.Cancelled))
        {
            var call = calls[row.ReservationId];
            Assert.Equal((call.Model, call.Status, call.Input, call.Output, call.Cached, call.Cost, call.MarketCost, call.KeyId, call.CompletedAt),
                (row.Model!, row.Status, row.InputTokens, row.OutputTokens, row.CachedTokens, row.Cost, row.MarketCost, row.ApiKeyId!.Value, row.CreatedAt));
            Assert.Equal(call.Tags, row.Tags);
            Assert.Equal(DateTimeKind.Utc, row.CreatedAt.Kind);
            Assert.True(row.StartedAt <= row.CreatedAt);
            Assert.Equal(("198.51.100.4", "tests/1.0", 900, 120, true), (row.ClientIp!, row.UserAgent!, row.LatencyMs!.Value, row.TtfbMs!.Value, row.Streaming));
            Assert.NotNull(row.Provider);
            Assert.Equal(row.Status == RequestStatus.Error ? "upstream_503" : null, row.ErrorCode);
        }
        Assert.Equal(all.Select(r => r.Id), (await AllPagesAsync(h.AccountId, new RequestFilter(), 1000)).Select(r => r.Id));
    }

    [Fact]
    public async Task Requests_Filters_NarrowTheTrail()
    {
        var h = await WriteHistoryAsync();
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var gpt4o = await db.CatalogModels.Where(m => m.Slug == "gpt-4o").Select(m => m.Id).SingleAsync(Ct);

        var errors = await AllPagesAsync(h.AccountId, new RequestFilter(Status: RequestStatus.Error), 5);
        Assert.Equal(h.Calls.Where(c => c.Status == RequestStatus.Error).Select(c => c.ReservationId).Order(), errors.Select(r => r.ReservationId).Order());
        Assert.NotEmpty(errors);

        var byModelAndKey = await AllPagesAsync(h.AccountId, new RequestFilter(ModelId: gpt4o, ApiKeyId: h.KeyA), 5);
        Assert.Equal(h.Calls.Where(c => c.Model == "gpt-4o" && c.KeyId == h.KeyA).Select(c => c.ReservationId).Order(),
            byModelAndKey.Select(r => r.ReservationId).Order());
        Assert.NotEmpty(byModelAndKey);

        var march1 = await AllPagesAsync(h.AccountId, new RequestFilter(From: new DateOnly(2026, 3, 1), To: new DateOnly(2026, 3, 3)), 5);
        Assert.Equal(h.Calls.Where(c => c.CompletedAt >= new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) && c.CompletedAt < new DateTime(2026, 3, 4, 0, 0, 0, DateTimeKind.Utc))
            .Select(c => c.ReservationId).OrderDescending(), march1.Select(r => r.ReservationId));
        Assert.Contains(march1, r => r.CreatedAt.Date == new DateTime(2026, 3, 1));

        Assert.Equal(gpt4o, await Usage.FindModelIdAsync("GPT-4o", Ct));
        Assert.Null(await Usage.FindModelIdAsync("no-such-model", Ct));
    }

    [Fact]
    public async Task Requests_OfAnotherAccount_AreNeverReturned()
    {
        var h = await WriteHistoryAsync(seed: 3);
        var other = await Db.CreateAccountAsync();

        Assert.Empty(await Usage.GetRequestsAsync(other, new RequestFilter(), 1000, ct: Ct));
        Assert.Empty(await Usage.GetRequestsAsync(other, new RequestFilter(ApiKeyId: h.KeyA), 1000, ct: Ct));
    }

    [Fact]
    public async Task Requests_BadPagingOrRange_AreRejected()
    {
        Db.RequireAvailable();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Usage.GetRequestsAsync(1, new RequestFilter(), 0, ct: Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Usage.GetRequestsAsync(1, new RequestFilter(), 1001, ct: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Usage.GetRequestsAsync(1, new RequestFilter(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1)), 10, ct: Ct));
        // Two tags joined by a comma would match a record's whole tags string: only one tag is a filter.
        await Assert.ThrowsAsync<ArgumentException>(() => Usage.GetRequestsAsync(1, new RequestFilter(Tag: "prod,team:search"), 10, ct: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Usage.GetRequestsAsync(1, new RequestFilter(Tag: ""), 10, ct: Ct));
    }

    [Fact]
    public async Task Requests_KeyName_IsJoinedAndKeptAfterTheKeyIsRevoked()
    {
        var h = await WriteHistoryAsync(seed: 5);
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
            await db.ApiKeys.Where(k => k.Id == h.KeyB).ExecuteUpdateAsync(s => s.SetProperty(k => k.Name, "Nightly batch"), Ct);

        var before = await AllPagesAsync(h.AccountId, new RequestFilter(), 9);
        Assert.True(await new ApiKeyService(Db.Factory, Clock).RevokeAsync(h.AccountId, h.KeyB, Ct));
        var after = await AllPagesAsync(h.AccountId, new RequestFilter(), 1000);

        Assert.Contains(before, r => r.ApiKeyId == h.KeyA);
        Assert.Contains(before, r => r.ApiKeyId == h.KeyB);
        Assert.All(before, r => Assert.Equal(r.ApiKeyId == h.KeyA ? "a" : "Nightly batch", r.KeyName));
        Assert.Equal(before, after, (x, y) => x.Id == y.Id && x.KeyName == y.KeyName && x.ApiKeyId == y.ApiKeyId);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("team:search")]
    [InlineData("batch")]
    public async Task Requests_TagFilter_KeepsTheCallsCarryingThatWholeTag(string tag)
    {
        var h = await WriteHistoryAsync(seed: 11);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var expected = await db.RequestRecords.Where(r => r.AccountId == h.AccountId).OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Tags }).ToListAsync(Ct);

        var tagged = await AllPagesAsync(h.AccountId, new RequestFilter(Tag: tag), 4);

        var want = expected.Where(r => UsageQueries.SplitTags(r.Tags).Contains(tag)).Select(r => r.Id).ToList();
        Assert.NotEmpty(want);
        Assert.True(want.Count < expected.Count);
        Assert.Equal(want, tagged.Select(r => r.Id));
        Assert.All(tagged, r => Assert.Contains(tag, r.Tags));
    }

    [Theory]
    [InlineData("pro")]
    [InlineData("search")]
    [InlineData("team")]
    public async Task Requests_TagFilter_PartOfATag_MatchesNothing(string tag)
    {
        var h = await WriteHistoryAsync(seed: 13);

        Assert.Empty(await Usage.GetRequestsAsync(h.AccountId, new RequestFilter(Tag: tag), 1000, ct: Ct));
        Assert.NotEmpty(await Usage.GetRequestsAsync(h.AccountId, new RequestFilter(Tag: "prod"), 1000, ct: Ct));
    }
}
