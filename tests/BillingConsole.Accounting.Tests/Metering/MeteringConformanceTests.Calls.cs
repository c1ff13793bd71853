using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    [Fact]
    public async Task ReserveThenSettle_ChargesTheRealCost_AndWritesRecordRollupAndCounter()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var price = PriceOf("gpt-4o", Clock.GetUtcNow().UtcDateTime);
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 10_000, 2_000, tags: ["team:search", "prod"]), Ct));
        Assert.Equal(Pricing.Cost(new TokenCounts(10_000, 2_000, 0), price), hold.Held.Units);

        var settled = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 3_000, 500, cached: 1_000), Ct));

        var tokens = new TokenCounts(3_000, 500, 1_000);
        Assert.Equal(Pricing.Cost(tokens, price), settled.Cost.Units);
        Assert.Equal(Pricing.MarketCost(tokens, price), settled.MarketCost.Units);
        Assert.True(settled.Cost < settled.MarketCost);
        Assert.Equal(hold.Held - settled.Cost, settled.Settlement);
        Assert.Equal(Money.FromDollars(10) - settled.Cost, settled.BalanceAfter);

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var record = await db.RequestRecords.SingleAsync(r => r.ReservationId == hold.ReservationId, Ct);
        Assert.Equal((RequestStatus.Success, 3_000L, 500L, 1_000L, settled.Cost.Units, "prod,team:search", key),
            (record.Status, record.InputTokens, record.OutputTokens, record.CachedTokens, record.Cost, record.Tags, record.ApiKeyId!.Value));
        Assert.Equal((820, 140, true, "203.0.113.7"), (record.LatencyMs!.Value, record.TtfbMs!.Value, record.Streaming, record.ClientIp!));
        var rollup = await db.UsageRollups.SingleAsync(u => u.AccountId == account, Ct);
        Assert.Equal((1L, settled.Cost.Units, Clock.GetUtcNow().UtcDateTime.Date), (rollup.Calls, rollup.Cost, rollup.Day));
        var apiKey = await db.ApiKeys.SingleAsync(k => k.Id == key, Ct);
        Assert.Equal(settled.Cost.Units, apiKey.SpendCommitted);
        Assert.NotNull(apiKey.LastUsedAt);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Settle_CachedTokens_ArePricedAtTheCachedRate()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var price = PriceOf("claude-sonnet-4-5", Clock.GetUtcNow().UtcDateTime);
        var uncached = Ok(await Meter.ReserveAsync(Reserve(key, "claude-sonnet-4-5", 100_000, 1_000), Ct));
        var cached = Ok(await Meter.ReserveAsync(Reserve(key, "claude-sonnet-4-5", 100_000, 1_000), Ct));

        var full = Ok(await Meter.SettleAsync(Settle(uncached.ReservationId, 100_000, 0), Ct));
        var mostlyCached = Ok(await Meter.SettleAsync(Settle(cached.ReservationId, 100_000, 0, cached: 90_000), Ct));

        Assert.Equal(100_000 * price.InputPerMillion / 1_000_000, full.Cost.Units);
        Assert.Equal((10_000 * price.InputPerMillion + 90_000 * price.CachedInputPerMillion) / 1_000_000, mostlyCached.Cost.Units);
        Assert.True(mostlyCached.Cost < full.Cost);
        await AssertInvariantsHoldAsync(account);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(2, 0, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(7, 3, 5)]
    [InlineData(26_667, 0, 0)]
    [InlineData(100_000_000, 100_000_000, 33_333_333)]
    public async Task Settle_RoundsDownOnceToTheNanoDollar_InSqlAsInCode(long input, long output, long cached)
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, input, output), Ct));
        var settled = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, input, output, cached), Ct));

        var price = PriceOf(OddModel, Clock.GetUtcNow().UtcDateTime);
        var exact = ((input - cached) * 37_500_000m + output * 112_500_000m + cached * 3_750_000m) / 1_000_000m;
        Assert.Equal((long)decimal.Floor(exact), Pricing.Cost(new TokenCounts(input, output, cached), price));
        Assert.Equal(Pricing.Cost(new TokenCounts(input, output, cached), price), settled.Cost.Units);
        Assert.Equal(Pricing.MarketCost(new TokenCounts(input, output, cached), price), settled.MarketCost.Units);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Settle_AfterAPriceChange_UsesTheVersionInForceWhenReserved()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(100));
        Clock.SetUtcNow(SecondVersionFrom.AddMinutes(-1));
        var before = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));
        Clock.SetUtcNow(SecondVersionFrom);
        var after = Ok(await Meter.ReserveAsync(Reserve(key, OddModel, 1_000_000, 0), Ct));

        var oldPrice = Ok(await Meter.SettleAsync(Settle(before.ReservationId, 1_000_000, 0), Ct));
        var newPrice = Ok(await Meter.SettleAsync(Settle(after.ReservationId, 1_000_000, 0), Ct));

        Assert.Equal(37_500_000, oldPrice.Cost.Units);
        Assert.Equal(75_000_000, newPrice.Cost.Units);
        Assert.Equal(2 * before.Held.Units, after.Held.Units);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Settle_FailedCallWithoutOutput_IsNotCharged_ButFailureAfterOutputIs()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var failed = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o-mini", 5_000, 5_000), Ct));
        var broken = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o-mini", 5_000, 5_000), Ct));

        var free = Ok(await Meter.SettleAsync(Settle(failed.ReservationId, 4_000, 0, status: RequestStatus.Error), Ct));
        var paid = Ok(await Meter.SettleAsync(Settle(broken.ReservationId, 4_000, 100, status: RequestStatus.Error), Ct));

        Assert.Equal((Money.Zero, Money.Zero, failed.Held, false), (free.Cost, free.MarketCost, free.Settlement, free.Charged));
        Assert.True(paid.Charged);
        Assert.Equal(Pricing.Cost(new TokenCounts(4_000, 100, 0), PriceOf("gpt-4o-mini", Clock.GetUtcNow().UtcDateTime)), paid.Cost.Units);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var record = await db.RequestRecords.SingleAsync(r => r.ReservationId == failed.ReservationId, Ct);
        Assert.Equal((RequestStatus.Error, "upstream_503", 0L), (record.Status, record.ErrorCode!, record.Cost));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Settle_Twice_ReturnsFirstResult_OtherTokensOrReleaseConflict()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4.1", 2_000, 2_000), Ct));
        var first = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000, 200), Ct));
        var again = Ok(await Meter.SettleAsync(Settle(hold.ReservationId, 1_000, 200), Ct));

        Assert.True(again.Replayed);
        Assert.Equal((first.Cost, first.MarketCost, first.Settlement, first.BalanceAfter), (again.Cost, again.MarketCost, again.Settlement, again.BalanceAfter));
        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, 1_001, 200), Ct), LedgerError.ReservationClosed);
        // Any other field of the report makes it another request, not a retry of the first.
        var same = Settle(hold.ReservationId, 1_000, 200);
        Fails(await Meter.SettleAsync(same with { LatencyMs = 821 }, Ct), LedgerError.ReservationClosed);
        Fails(await Meter.SettleAsync(same with { Provider = "azure" }, Ct), LedgerError.ReservationClosed);
        Fails(await Meter.SettleAsync(same with { Streaming = false }, Ct), LedgerError.ReservationClosed);
        Fails(await Meter.ReleaseAsync(hold.ReservationId, "late", Ct), LedgerError.ReservationClosed);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.RequestRecords.CountAsync(r => r.ReservationId == hold.ReservationId, Ct));
        Assert.Equal(1, (await db.UsageRollups.SingleAsync(u => u.AccountId == account, Ct)).Calls);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Release_ReturnsTheHold_WritesACancelledRecord_AndSettleAfterwardsConflicts()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4.1", 2_000, 2_000), Ct));
        var released = Ok(await Meter.ReleaseAsync(hold.ReservationId, "client disconnected", Ct));

        Assert.Equal((hold.Held, Money.FromDollars(5)), (released.Released, released.BalanceAfter));
        Fails(await Meter.SettleAsync(Settle(hold.ReservationId, 10, 10), Ct), LedgerError.ReservationClosed);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(RequestStatus.Cancelled, (await db.RequestRecords.SingleAsync(r => r.ReservationId == hold.ReservationId, Ct)).Status);
        Assert.False(await db.UsageRollups.AnyAsync(u => u.AccountId == account, Ct));
        Assert.Equal(0, (await db.ApiKeys.SingleAsync(k => k.Id == key, Ct)).SpendCommitted);
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task Expiry_ReleasesAMeteredHold_AndFreesTheKeysLimit()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(5), keyLimit: Money.FromCents(10));
        var hold = Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 30_000, 0) with { Ttl = TimeSpan.FromMinutes(5) }, Ct));
        Fails(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 30_000, 0), Ct), LedgerError.SpendLimitReached);

        Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await Db.Writer(Clock).ReleaseExpiredAsync(ct: Ct));

        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(RequestStatus.Expired, (await db.RequestRecords.SingleAsync(r => r.ReservationId == hold.ReservationId, Ct)).Status);
        Ok(await Meter.ReserveAsync(Reserve(key, "gpt-4o", 30_000, 0), Ct));
        await AssertInvariantsHoldAsync(account);
    }
}
