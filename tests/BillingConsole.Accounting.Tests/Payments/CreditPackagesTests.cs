using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;

namespace BillingConsole.Accounting.Tests.Payments;

public sealed class CreditPackagesTests
{
    [Theory]
    [InlineData("50", "5", null, 5000, 250)]
    [InlineData("33.33", "2.9", null, 3333, 97)]      // 96.657 cents rounds up
    [InlineData("10", "2.5", null, 1000, 25)]
    [InlineData("0.30", "5", null, 30, 2)]            // 1.5 cents: half away from zero
    [InlineData("100", null, "1.99", 10000, 199)]
    [InlineData("20", null, null, 2000, 0)]
    public void Quote_AnyPackage_PricesCreditsAndFeeInWholeCents(string credits, string? percent, string? fixedFee, long creditsCents, long feeCents)
    {
        var quote = CreditPackages.Quote(new CreditPackage
        {
            Id = "p", Credits = decimal.Parse(credits), FeePercent = percent is null ? null : decimal.Parse(percent),
            FixedFee = fixedFee is null ? null : decimal.Parse(fixedFee),
        });
        Assert.Equal((creditsCents, feeCents, creditsCents + feeCents), (quote.CreditsCents, quote.FeeCents, quote.TotalCents));
        Assert.Equal(Money.FromCents(creditsCents + feeCents), quote.Total);
        Assert.Equal(quote.Total - quote.Fee, quote.Credits);
    }

    [Fact]
    public void Problems_BrokenPackages_NameEveryOne()
    {
        var problems = CreditPackages.Problems(new PaymentsOptions
        {
            Packages =
            [
                new() { Id = "ok", Credits = 10, FeePercent = 5 },
                new() { Id = "ok", Credits = 10 },
                new() { Id = "fraction", Credits = 10.001m },
                new() { Id = "both", Credits = 10, FeePercent = 5, FixedFee = 1 },
                new() { Id = "bad percent", Credits = 10, FeePercent = 100 },
                new() { Id = "tiny", Credits = 0.5m },
                new() { Id = "fee", Credits = 10, FixedFee = 0.001m },
            ],
        });
        Assert.Contains(problems, p => p.Contains("'ok' is used more than once"));
        Assert.Contains(problems, p => p.StartsWith("Package 'fraction': credits"));
        Assert.Contains(problems, p => p.StartsWith("Package 'both'"));
        Assert.Contains(problems, p => p.StartsWith("Package 'bad percent'") && p.Contains("FeePercent"));
        Assert.Contains(problems, p => p.StartsWith("Package 'bad percent'") && p.Contains("id"));
        Assert.Contains(problems, p => p.StartsWith("Package 'tiny'"));
        Assert.Contains(problems, p => p.StartsWith("Package 'fee'"));
        Assert.Single(CreditPackages.Problems(new PaymentsOptions()));
        Assert.Empty(CreditPackages.Problems(new PaymentsOptions { Packages = [new() { Id = "ok", Credits = 10, FeePercent = 5 }] }));
    }

    [Fact]
    public void Problems_BrokenCustomAmountBounds_AreNamed_AndTheCustomIdIsReserved()
    {
        PaymentsOptions With(decimal min, decimal max, decimal? fee = 5) => new()
        {
            Packages = [new() { Id = "ok", Credits = 10 }],
            CustomAmount = new() { Min = min, Max = max, FeePercent = fee },
        };
        Assert.Empty(CreditPackages.Problems(With(5, 10_000)));
        Assert.Contains(CreditPackages.Problems(With(50, 10)), p => p.StartsWith("Payments:CustomAmount: Min and Max"));
        Assert.Contains(CreditPackages.Problems(With(0.5m, 10)), p => p.StartsWith("Payments:CustomAmount: Min and Max"));
        Assert.Contains(CreditPackages.Problems(With(5, 10.001m)), p => p.StartsWith("Payments:CustomAmount: Min and Max"));
        Assert.Contains(CreditPackages.Problems(With(5, 10, 100)), p => p.StartsWith("Payments:CustomAmount:FeePercent"));
        var reserved = new PaymentsOptions { Packages = [new() { Id = CreditPackages.CustomId, Credits = 10 }] };
        Assert.Contains(CreditPackages.Problems(reserved), p => p.Contains("reserved for custom amounts"));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(1_000_000, true)]
    [InlineData(499, false)]
    [InlineData(1_000_001, false)]
    public void QuoteCustom_WithinTheBoundsOnly_PricedLikeAPackage(long cents, bool offered)
    {
        var packages = new CreditPackages(Microsoft.Extensions.Options.Options.Create(new PaymentsOptions()));

        var quote = packages.QuoteCustom(Money.FromCents(cents));

        Assert.Equal(offered, quote is not null);
        Assert.Equal(offered, packages.CustomAmountProblem(Money.FromCents(cents)) is null);
        if (quote is not null)
            Assert.Equal((CreditPackages.CustomId, cents, (long)Math.Round(cents * 0.05m, MidpointRounding.AwayFromZero)), (quote.Id, quote.CreditsCents, quote.FeeCents));
    }

    [Theory]
    [InlineData(5000, 0, 2000, 2000)]     // a partial refund takes credits at face value
    [InlineData(5000, 2000, 3000, 3000)]
    [InlineData(5000, 5000, 250, 0)]      // beyond the credits it returns the fee and takes nothing
    [InlineData(5000, 4000, 1250, 1000)]  // straddling: the rest of the credits only
    [InlineData(5000, 0, 5250, 5000)]     // a full refund of credits + fee takes exactly the credits
    public void CreditsTakenBy_Refund_IsFaceValueUntilTheCreditsAreGone(long credits, long before, long amount, long taken) =>
        Assert.Equal(Money.FromCents(taken), PaymentPostings.CreditsTakenBy(Money.FromCents(credits), Money.FromCents(before), Money.FromCents(amount)));

    [Fact]
    public void ReferenceOf_PaymentKey_ReadsTheObjectBack_AndTheKeysKeepTheirStoredShape()
    {
        var p = TestProvider.Stripe;
        Assert.Equal("cs_1", PaymentKeys.ReferenceOf(p, PaymentKeys.Topup(p, "cs_1")));
        Assert.Equal("ch_1", PaymentKeys.ReferenceOf(p, PaymentKeys.Refund(p, "ch_1", "re_1")));
        Assert.Equal("dp_1", PaymentKeys.ReferenceOf(p, PaymentKeys.Dispute(p, "dp_1")));
        Assert.Equal("dp_1", PaymentKeys.ReferenceOf(p, PaymentKeys.DisputeWon(p, "dp_1")));
        Assert.Null(PaymentKeys.ReferenceOf(p, PaymentKeys.DevTopup(Guid.NewGuid())));
        // Keys written before the provider-neutral names must still match, or a re-delivered event would credit twice.
        Assert.Equal(["stripe:cs_1:topup", "stripe:cs_1:fee", "stripe:pi_1:auto_recharge", "stripe:ch_1:re_1", "stripe:dp_1", "stripe:dp_1:won"],
            [PaymentKeys.Topup(p, "cs_1"), PaymentKeys.Fee(p, "cs_1"), PaymentKeys.AutoRecharge(p, "pi_1"), PaymentKeys.Refund(p, "ch_1", "re_1"),
                PaymentKeys.Dispute(p, "dp_1"), PaymentKeys.DisputeWon(p, "dp_1")]);
    }
}
