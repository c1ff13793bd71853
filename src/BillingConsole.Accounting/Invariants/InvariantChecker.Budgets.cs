using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>Rule 6 for budgets: each hold's budget rows say what the hold counts, and each counter is their sum.</summary>
public sealed partial class InvariantChecker
{
    private static async Task CheckBudgetCountersAsync(BillingDbContext db, InvariantRun run, List<long> accountIds, CancellationToken ct)
    {
        // A hold counts its amount while open, then its cost (0 once released or expired, the charge once settled late).
        var rows = await (from x in db.ReservationBudgets
                          join r in db.Reservations on x.ReservationId equals r.Id
                          where accountIds.Contains(r.AccountId)
                                && x.Amount != (r.Status == ReservationStatus.Open ? r.Amount : r.Cost ?? 0)
                          select new { r.AccountId, x.ReservationId, x.BudgetId, x.Amount, r.Status })
            .ToListAsync(ct);
        foreach (var x in rows)
            Add(run, x.AccountId, "budget_counter_mismatch",
                $"Budget {x.BudgetId} counts {x.Amount} for hold {x.ReservationId}, which is {x.Status} and should count what it holds or cost.");
        var budgets = await db.Budgets.AsNoTracking()
            .Where(b => accountIds.Contains(b.AccountId))
            .Select(b => new
            {
                b.Id,
                b.AccountId,
                b.Committed,
                Expected = db.ReservationBudgets.Where(x => x.BudgetId == b.Id && x.PeriodStart == b.PeriodStart).Sum(x => (long?)x.Amount) ?? 0,
            })
            .Where(b => b.Committed != b.Expected)
            .ToListAsync(ct);
        foreach (var b in budgets)
            Add(run, b.AccountId, "budget_counter_mismatch",
                $"Budget {b.Id} counts {b.Committed} committed this period; the holds it counted add up to {b.Expected}.");
    }
}
