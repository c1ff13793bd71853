using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    private static MeterUsageCommand Usage(long keyId, string sku, decimal quantity, string? key = null) =>
        new(key ?? Guid.NewGuid().ToString("N"), keyId, null, sku, Quantity.TryFromDecimal(quantity, out var q) ? q : throw new ArgumentException(null, nameof(quantity)));

    [Fact]
    public async Task RecordUsage_StorageAndGpu_PostOneEntryEachAtTheUnitPrice_AndTheCheckerPasses()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var now = Clock.GetUtcNow().UtcDateTime;

        var storage = Ok(await Meter.RecordUsageAsync(Usage(key, "storage-shared-fs", 250), Ct));
        var gpu = Ok(await Meter.RecordUsageAsync(Usage(key, "gpu-a100-80gb", 0.25m), Ct));

        Assert.Equal((EntryTypes.StorageBilling, -Pricing.Cost(Quantity.FromUnits(250), PriceOf("storage-shared-fs", now))), (storage.Type, storage.Amount.Units));
        Assert.Equal((EntryTypes.UsageDebit, -402_750_000L), (gpu.Type, gpu.Amount.Units)); // 0.25 x $1.611
        Assert.Equal(Money.FromDollars(10) + storage.Amount + gpu.Amount, gpu.BalanceAfter);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(3, await db.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task RecordUsage_ConcurrentRetriesOfOneKey_WriteOneEntry()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(10));
        var command = Usage(key, "sora-2", 12);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Meter.RecordUsageAsync(command, Ct))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.Message));
        Assert.Single(results.Select(r => r.Value!.EntryId).Distinct());
        Assert.Single(results, r => !r.Value!.Replayed);
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(-1_080_000_000L, await db.LedgerEntries.Where(e => e.AccountId == account && e.Type == EntryTypes.UsageDebit).SumAsync(e => e.Amount, Ct));
        await AssertInvariantsHoldAsync(account);
    }

    [Fact]
    public async Task RecordUsage_RevokedKeyOrBelowTheFloor_IsRefusedAndWritesNothing()
    {
        var (account, key) = await NewCustomerAsync(Money.FromDollars(1));

        Fails(await Meter.RecordUsageAsync(Usage(key, "gpu-h100-80gb", 1), Ct), LedgerError.InsufficientCredits);
        await using (var db = await Db.Factory.CreateDbContextAsync(Ct))
            await db.ApiKeys.Where(k => k.Id == key).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, Clock.GetUtcNow().UtcDateTime), Ct);
        Fails(await Meter.RecordUsageAsync(Usage(key, "dall-e-3", 1), Ct), LedgerError.KeyRevoked);

        await using var check = await Db.Factory.CreateDbContextAsync(Ct);
        Assert.Equal(1, await check.LedgerEntries.CountAsync(e => e.AccountId == account, Ct));
    }
}
