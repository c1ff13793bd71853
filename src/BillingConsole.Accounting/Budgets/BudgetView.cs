namespace BillingConsole.Accounting.Budgets;

/// <summary>A live budget as pages and the API show it. <see cref="Spent"/> is what the current period has committed
/// (open holds and settled costs of the holds reserved in it); <see cref="ResetAt"/> is null for a lifetime budget.</summary>
public sealed record BudgetView(long Id, long AccountId, long? ApiKeyId, string? KeyName, Ledger.Money Amount, string Period,
    Ledger.Money Spent, Ledger.Money Remaining, DateTime PeriodStart, DateTime? ResetAt, DateTime CreatedAt, string CreatedBy)
{
    /// <summary>Spent as a whole percentage of the amount (may pass 100 when the amount was lowered below the spend).</summary>
    public int PercentUsed => (int)Math.Min(int.MaxValue, (decimal)Spent.Units * 100 / Amount.Units);
}
