using BillingConsole.Accounting.Catalog;

namespace BillingConsole.Accounting.Tests.Catalog;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("1", 1_000_000L)]
    [InlineData("1.5", 1_500_000L)]
    [InlineData("0.000001", 1L)]
    [InlineData("1000000", 1_000_000_000_000L)]
    public void TryFromDecimal_ExactValue_ReturnsTheMicroUnits(string text, long micros)
    {
        Assert.True(Quantity.TryFromDecimal(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), out var q));
        Assert.Equal(micros, q.Micros);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("0.0000001")]
    [InlineData("1000000.000001")]
    public void TryFromDecimal_ZeroNegativeTooPreciseOrTooLarge_Refuses(string text) =>
        Assert.False(Quantity.TryFromDecimal(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), out _));

    [Fact]
    public void ToString_AnyQuantity_ShowsEveryDecimalItHas() =>
        Assert.Equal(("1.5", "120", "0.000001"), (new Quantity(1_500_000).ToString(), Quantity.FromUnits(120).ToString(), new Quantity(1).ToString()));
}
