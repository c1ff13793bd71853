using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;

namespace BillingConsole.Accounting.Tests.Ledger;

/// <summary>The category table: every entry type counts under exactly the category it should, the derived sets
/// (spending, holds) are the documented ones, and each headline figure's sign agrees with its types' signs.</summary>
public sealed class EntryCategoriesTests
{
    /// <summary>Written out by hand from DESIGN.md's entry types and the invoice contract, not read from the table.</summary>
    private static readonly Dictionary<string, EntryCategory> Expected = new()
    {
        [EntryTypes.Topup] = EntryCategory.Purchase,
        [EntryTypes.AutoRecharge] = EntryCategory.Purchase,
        [EntryTypes.Bonus] = EntryCategory.Grant,
        [EntryTypes.ContractGrant] = EntryCategory.Grant,
        [EntryTypes.BonusGrant] = EntryCategory.Grant,
        [EntryTypes.PlatformFee] = EntryCategory.Fee,
        [EntryTypes.Reservation] = EntryCategory.Usage,
        [EntryTypes.Settlement] = EntryCategory.Usage,
        [EntryTypes.Release] = EntryCategory.Usage,
        [EntryTypes.UsageDebit] = EntryCategory.Usage,
        [EntryTypes.StorageBilling] = EntryCategory.Storage,
        [EntryTypes.Refund] = EntryCategory.Refund,
        [EntryTypes.PaymentRefund] = EntryCategory.PaymentRefund,
        [EntryTypes.Dispute] = EntryCategory.Dispute,
        [EntryTypes.DisputeReversal] = EntryCategory.DisputeReversal,
        [EntryTypes.AdminCorrection] = EntryCategory.Correction,
    };

    [Fact]
    public void Category_EveryEntryType_IsInExactlyTheCategoryItShouldBe()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), EntryTypes.All.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var rule in EntryTypes.All)
        {
            Assert.Equal(Expected[rule.Name], rule.Category);
            Assert.Single(EntryCategories.All, c => c.Types.Contains(rule.Name));
            Assert.Equal(rule.Category, EntryCategories.Of(rule.Name)!.Category);
        }
        Assert.Null(EntryCategories.Of("not_a_type"));
    }

    [Fact]
    public void All_EachCategoryOnce_WithItsOwnInvoiceField()
    {
        Assert.Equal(Enum.GetValues<EntryCategory>().Order(), EntryCategories.All.Select(c => c.Category).Order());
        Assert.All(EntryCategories.All, c => Assert.NotEmpty(c.Types));
        Assert.Equal(
            ["purchased", "fees", "credits_used", "storage", "refunds", "corrections", "grants", "payment_refunds", "disputes", "dispute_reversals"],
            EntryCategories.All.Select(c => c.Field));
        // Only the two figures the contract defines as "what was charged" are reported as −Σ.
        Assert.Equal(["fees", "credits_used"], EntryCategories.All.Where(c => c.ReportedAsCharge).Select(c => c.Field));
    }

    [Fact]
    public void SpendAndHoldTypes_AreUsageAndStorage_AndTheThreeHoldOperations()
    {
        Assert.Equal([EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit, EntryTypes.StorageBilling],
            EntryCategories.SpendTypes);
        Assert.Equal([EntryTypes.UsageDebit, EntryTypes.StorageBilling], EntryCategories.SpendWithoutHoldTypes);
        Assert.Equal([EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release], EntryTypes.All.Where(t => t.IsHold).Select(t => t.Name));
        Assert.All(EntryTypes.All, t => Assert.Equal(t.IsHold, EntryTypes.IsHoldType(t.Name)));
        Assert.False(EntryTypes.IsHoldType("nope"));
    }

    [Fact]
    public void Kind_AgreesWithTheSignsOfTheCategorysTypes()
    {
        foreach (var category in EntryCategories.All)
        {
            var signs = category.Types.Select(t => EntryTypes.Get(t)).Where(t => !t.IsHold).Select(t => t.Sign).Distinct().ToList();
            var expected = category.Kind switch
            {
                CategoryKind.Credit => AmountSign.Positive,
                CategoryKind.Charge or CategoryKind.Clawback => AmountSign.Negative,
                _ => AmountSign.Either,
            };
            Assert.Equal([expected], signs);
        }
    }

    [Fact]
    public void Figure_OfAMovementOfEachTypesOwnSign_IsPositiveForChargesAndSignedAsTheBalanceMovedOtherwise()
    {
        foreach (var type in EntryTypes.All.Where(t => t.Sign != AmountSign.Either))
        {
            var category = EntryCategories.Get(type.Category);
            var moved = type.Sign == AmountSign.Positive ? Money.FromCents(125) : -Money.FromCents(125);
            var figure = category.Figure(moved);
            if (category.ReportedAsCharge)
                Assert.True(figure == -moved, type.Name);
            else
                Assert.True(figure == moved, type.Name);
            Assert.Equal(moved, category.Movement(figure));
            // A fee or a usage debit is a charge: its figure is positive. A release hands back a hold, so it lowers credits
            // used. Every other one-signed type keeps its sign.
            var expected = !category.ReportedAsCharge ? Math.Sign(moved.Units) : type.IsHold ? -Math.Sign(moved.Units) : 1;
            Assert.Equal(expected, Math.Sign(figure.Units));
        }
    }

    [Fact]
    public void Statement_WithEveryEntryType_HeadlineFiguresTieOut()
    {
        var lines = EntryTypes.All.Select((t, i) => new StatementLine(t.Name, i + 1, new Money((t.Sign == AmountSign.Negative ? -1 : 1) * (1_000_000_007L * (i + 3)))))
            .ToList();
        var opening = Money.FromDollars(40);
        var s = new Statement(7, new BillingMonth(2026, 4), opening, opening + lines.Aggregate(Money.Zero, (sum, l) => sum + l.Amount), lines);

        Assert.Equal(s.ClosingBalance, s.OpeningBalance + s.Purchased - s.Fees - s.CreditsUsed + s.Refunds + s.Corrections + s.Grants
                                       + s.Storage + s.PaymentRefunds + s.Disputes + s.DisputeReversals);
        Assert.True(s.Fees.Units > 0 && s.Storage.IsNegative && s.PaymentRefunds.IsNegative && s.Disputes.IsNegative && s.DisputeReversals.Units > 0);
        Assert.Equal(-s.SumOf(EntryTypes.StorageBilling), -s.Storage);
        Assert.Equal(s.SumOf(EntryTypes.DisputeReversal), s.DisputeReversals);
    }
}
