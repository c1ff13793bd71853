using BillingConsole.Accounting.Catalog;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Metering;

public abstract partial class MeteringConformanceTests
{
    [Fact]
    public async Task CatalogSync_PricedUnits_StoreTheirUnitAndOnlyUnitPrices()
    {
        Db.RequireAvailable();
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var gpu = await db.CatalogModels.SingleAsync(m => m.Slug == "gpu-h100-80gb", Ct);
        var price = await db.ModelPrices.SingleAsync(p => p.ModelId == gpu.Id, Ct);
        Assert.Equal((PriceUnits.GpuHour, ModelTypes.Compute), (gpu.Unit, gpu.Type));
        Assert.Equal((2_691_000_000L, 2_990_000_000L, 0L, 0L), (price.UnitPrice, price.MarketUnitPrice, price.InputPerMillion, price.OutputPerMillion));
        var units = await db.CatalogModels.Select(m => m.Unit).Distinct().ToListAsync(Ct);
        Assert.Equal([PriceUnits.GbDay, PriceUnits.GpuHour, PriceUnits.Image, PriceUnits.Second, PriceUnits.Tokens], units.Order());
        Assert.Equal(PriceUnits.Tokens, (await db.CatalogModels.SingleAsync(m => m.Slug == "gpt-4o", Ct)).Unit);
        Assert.True(Catalog.FindBySlug("storage-block-ssd")!.Model.IsPricedPerUnit);
    }
}
