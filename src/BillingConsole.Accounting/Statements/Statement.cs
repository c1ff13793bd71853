using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Statements;

/// <summary>One entry type's movements in a statement month: how many entries and their signed sum.</summary>
public sealed record StatementLine(string Type, long Count, Money Amount);

/// <summary>
/// A month of one account's ledger, read only from <c>ledger_entries</c>. It ties out:
/// <c>OpeningBalance + Σ Lines.Amount == ClosingBalance</c>. The headline figures regroup the lines:
/// <list type="bullet">
/// <item><see cref="Purchased"/> = topup + auto_recharge.</item>
/// <item><see cref="Fees"/> = −platform_fee (a positive number).</item>
/// <item><see cref="CreditsUsed"/> = −(reservation + settlement + release + usage_debit): positive when credits were
/// consumed; holds still open at the time of reading count as used.</item>
/// <item><see cref="Refunds"/> = refund (credits returned by an admin).</item>
/// <item><see cref="Corrections"/> = admin_correction (signed).</item>
/// <item><see cref="Grants"/> = bonus + contract_grant + bonus_grant.</item>
/// </list>
/// storage_billing, payment_refund and dispute appear only as lines.
/// </summary>
public sealed record Statement(
    long AccountId,
    BillingMonth Month,
    Money OpeningBalance,
    Money ClosingBalance,
    Money Purchased,
    Money Fees,
    Money CreditsUsed,
    Money Refunds,
    Money Corrections,
    Money Grants,
    IReadOnlyList<StatementLine> Lines)
{
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
