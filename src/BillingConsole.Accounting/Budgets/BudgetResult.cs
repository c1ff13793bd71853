namespace BillingConsole.Accounting.Budgets;

public enum BudgetError
{
    InvalidRequest,
    NotFound,
    /// <summary>A live budget of the same account, key (or none) and period already exists.</summary>
    Exists,
}

/// <summary>The outcome of a budget command: the budget, or why nothing was written.</summary>
public sealed record BudgetResult(BudgetView? Value, BudgetError? Error, string? Message)
{
    public bool Succeeded => Error is null;

    public static BudgetResult Ok(BudgetView value) => new(value, null, null);

    public static BudgetResult Fail(BudgetError error, string message) => new(null, error, message);
}
