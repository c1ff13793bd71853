using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Alerts;

public sealed partial class AlertEvaluator
{
    /// <summary>A budget's current period as basis points of its amount (exact in 128 bits); a deleted budget counts as
    /// nothing used, so a firing rule resolves.</summary>
    private async Task<AlertFigure> BudgetFigureAsync(BillingDbContext db, AlertRule rule, AccountFigures account, CancellationToken ct)
    {
        var budget = await db.Budgets.AsNoTracking()
            .Where(b => b.Id == rule.SubjectId && b.AccountId == account.Id && b.DeletedAt == null)
            .FirstOrDefaultAsync(ct);
        var view = budget is null ? null : BudgetService.View(budget, null, clock.GetUtcNow().UtcDateTime);
        var spent = view?.Spent.Units ?? 0;
        var amount = view?.Amount.Units ?? 0;
        var basisPoints = amount <= 0 ? 0 : (long)Int128.Min((Int128)spent * 10_000 / amount, long.MaxValue);
        var what = budget is null ? $"budget {rule.SubjectId}" : $"the {budget.Period} budget of {new Money(amount)}{(budget.ApiKeyId is { } k ? $" on key {k}" : "")}";
        return new AlertFigure(basisPoints,
            $"{account.Name} has committed {new Money(spent)} this period: {basisPoints / 100} % of {what} (alert at {rule.Threshold} %).",
            $"{account.Name} is back to {basisPoints / 100} % of {what}, under {Math.Max(0, rule.Threshold - 10)} %.");
    }
}
