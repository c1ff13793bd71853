using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Tests.Ledger;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("12.5", 12_500_000_000L)]
    [InlineData("0.000000001", 1L)]
    [InlineData("-0.25", -250_000_000L)]
    [InlineData("$1,234.56", 1_234_560_000_000L)]
    [InlineData("1000000000", 1_000_000_000_000_000_000L)]
    public void TryParse_ExactText_ReturnsTheExactUnits(string text, long units)
    {
        Assert.True(Money.TryParse(text, out var money));
        Assert.Equal(units, money.Units);
    }

    [Theory]
    [InlineData("0.0000000001")]
    [InlineData("1000000000.000000001")]
    [InlineData("1e3")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("99999999999999999999999999")]
    public void TryParse_TooPreciseOrMalformed_RefusesRatherThanRounds(string text) => Assert.False(Money.TryParse(text, out _));

    [Theory]
    [InlineData(1_234_500_000_000L, "$1,234.50")]
    [InlineData(42_000L, "$0.000042")]
    [InlineData(-250_000_000L, "-$0.25")]
    [InlineData(0L, "$0.00")]
    [InlineData(1L, "$0.000000001")]
    public void Format_AnyAmount_ShowsEveryDigitItHas(long units, string expected) => Assert.Equal(expected, new Money(units).Format());

    [Fact]
    public void FormatSigned_CreditAndDebit_MarksTheSign() => Assert.Equal(("+$5.00", "-$5.00"), (Money.FromDollars(5).FormatSigned(), Money.FromDollars(-5).FormatSigned()));

    [Fact]
    public void Add_BeyondInt64_ThrowsInsteadOfWrapping() =>
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue) + new Money(1));

    [Fact]
    public void FromDecimal_ToDecimalOutput_RoundTripsExactly()
    {
        var money = new Money(123_456_789_012L);
        Assert.Equal(money, Money.FromDecimal(money.ToDecimal()));
        Assert.Equal(123.456789012m, money.ToDecimal());
    }
}
