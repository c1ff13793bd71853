using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Statements;

/// <summary>One entry type's movements in a statement month: how many entries and their signed sum.</summary>
public sealed record StatementLine(string Type, long Count, Money Amount);

/// <summary>
/// A month of one account's ledger, read only from <c>ledger_entries</c>. It ties out:
/// <c>OpeningBalance + Σ Lines.Amount == ClosingBalance</c>. The headline figures regroup the lines by
/// <see cref="EntryCategories"/>, one figure per category, so they tie out too:
/// <c>Closing = Opening + Purchased − Fees − CreditsUsed + Storage + Refunds + Corrections + Grants + PaymentRefunds
/// + Disputes + DisputeReversals</c>. <see cref="Fees"/> and <see cref="CreditsUsed"/> are what was charged (positive
/// when the balance went down; holds still open count as used); every other figure is signed as it moved the balance.
/// </summary>
public sealed record Statement(long AccountId, BillingMonth Month, Money OpeningBalance, Money ClosingBalance, IReadOnlyList<StatementLine> Lines)
{
    /// <summary>topup + auto_recharge.</summary>
    public Money Purchased => Figure(EntryCategory.Purchase);

    /// <summary>−platform_fee.</summary>
    public Money Fees => Figure(EntryCategory.Fee);

    /// <summary>−(reservation + settlement + release + usage_debit).</summary>
    public Money CreditsUsed => Figure(EntryCategory.Usage);

    /// <summary>storage_billing (negative).</summary>
    public Money Storage => Figure(EntryCategory.Storage);

    /// <summary>refund: credits returned by an admin.</summary>
    public Money Refunds => Figure(EntryCategory.Refund);

    /// <summary>admin_correction, either sign.</summary>
    public Money Corrections => Figure(EntryCategory.Correction);

    /// <summary>bonus + contract_grant + bonus_grant.</summary>
    public Money Grants => Figure(EntryCategory.Grant);

    /// <summary>payment_refund (negative): money returned to the card takes its credits back.</summary>
    public Money PaymentRefunds => Figure(EntryCategory.PaymentRefund);

    /// <summary>dispute (negative).</summary>
    public Money Disputes => Figure(EntryCategory.Dispute);

    /// <summary>dispute_reversal (positive).</summary>
    public Money DisputeReversals => Figure(EntryCategory.DisputeReversal);

    /// <summary>Σ of the lines in <paramref name="category"/>: how that category moved the balance.</summary>
    public Money Moved(EntryCategory category) => SumOf([.. EntryCategories.Get(category).Types]);

    /// <summary>The headline figure of <paramref name="category"/>, signed as <see cref="EntryCategoryRule.Figure"/> says.</summary>
    public Money Figure(EntryCategory category) => EntryCategories.Get(category).Figure(Moved(category));

    /// <summary>The signed sum of the given types' lines.</summary>
    public Money SumOf(params ReadOnlySpan<string> types)
    {
        var sum = Money.Zero;
        foreach (var line in Lines)
            if (types.Contains(line.Type))
                sum += line.Amount;
        return sum;
    }
}

/// <summary>The ledger of an account does not add up over a month: its entries' balances and amounts disagree
/// (a violation of ledger rule 1), so no statement can be issued.</summary>
public sealed class StatementMismatchException(string message) : InvalidOperationException(message);
