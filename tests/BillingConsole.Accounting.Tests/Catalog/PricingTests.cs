using BillingConsole.Accounting.Catalog;

namespace BillingConsole.Accounting.Tests.Catalog;

public sealed class PricingTests
{
    [Theory]
    [InlineData(1_000_000L, 2_691_000_000L, 2_691_000_000L)] // 1 GPU-hour at $2.691
    [InlineData(1_500_000L, 2_691_000_000L, 4_036_500_000L)] // 1.5 GPU-hours
    [InlineData(1L, 2_691_000_000L, 2_691L)] // a micro-GPU-hour
    [InlineData(1L, 999_999L, 0L)] // below a nano-dollar: rounds down
    [InlineData(3L, 333_334L, 1L)] // 1.000002 nano-dollars: rounds down to 1
    [InlineData(120_000_000L, 2_970_000L, 356_400_000L)] // 120 GB-days at $0.00297
    public void Cost_Quantity_IsTheExactProductRoundedDownOnce(long micros, long unitPrice, long expected)
    {
        var exact = micros * (decimal)unitPrice / 1_000_000m;
        Assert.Equal((long)decimal.Floor(exact), expected);
        Assert.Equal(expected, Pricing.Cost(new Quantity(micros), new ModelPrice { UnitPrice = unitPrice }));
    }

    [Fact]
    public void Cost_LargestQuantityAtLargestUnitPrice_IsOneBillionDollarsWithoutOverflow() =>
        Assert.Equal(1_000_000_000L * 1_000_000_000L, Pricing.Cost(Quantity.Max, new ModelPrice { UnitPrice = Pricing.MaxUnitPrice }));

    [Fact]
    public void MarketCost_Quantity_UsesTheMarketUnitPrice() =>
        Assert.Equal(3_000_000_000L, Pricing.MarketCost(Quantity.FromUnits(1), new ModelPrice { UnitPrice = 1, MarketUnitPrice = 3_000_000_000L }));
}
