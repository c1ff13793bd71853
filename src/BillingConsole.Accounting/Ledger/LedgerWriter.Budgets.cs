using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>Explaining a reservation that a budget refused (read after the batch wrote nothing, like the key's limit).</summary>
public sealed partial class LedgerWriter
{
    /// <summary>The budget with the least room among those this hold does not fit, or null when every budget has room
    /// now. <paramref name="settled"/>: a renewal's settlement, rolled back with the refused hold, whose budgets would
    /// have moved by it first.</summary>
    private async Task<LedgerFailure?> ExplainBudgetRefusalAsync(BillingDbContext db, ReserveRequest r, EntryRow? settled, CancellationToken ct)
    {
        var keyId = r.Call?.ApiKeyId;
        var budgets = await db.Budgets.AsNoTracking()
            .Where(b => b.AccountId == r.AccountId && b.DeletedAt == null && (b.ApiKeyId == null || b.ApiKeyId == keyId))
            .ToListAsync(ct);
        var settledId = settled?.ReservationId;
        var countedSettled = settledId is null ? [] : await db.ReservationBudgets.AsNoTracking()
            .Where(x => x.ReservationId == settledId).ToDictionaryAsync(x => x.BudgetId, x => x.PeriodStart, ct);
        var now = Now();
        long CommittedNow(Budget b)
        {
            if (!BudgetPeriods.IsKnown(b.Period) || b.PeriodStart != BudgetPeriods.StartOf(b.Period, now))
                return 0;
            var freed = countedSettled.TryGetValue(b.Id, out var start) && start == b.PeriodStart ? settled!.Value.Amount : 0;
            return b.Committed - freed;
        }
        var refusing = budgets
            .Select(b => new { b.Id, b.Amount, b.Period, Committed = CommittedNow(b) })
            .Where(b => b.Committed + r.Hold.Units > b.Amount)
            .OrderBy(b => b.Amount - b.Committed).ThenBy(b => b.Id)
            .FirstOrDefault();
        if (refusing is null)
            return null;
        var resetAt = BudgetPeriods.ResetAt(refusing.Period, now);
        var until = resetAt is { } at ? $"; it starts afresh at {at:yyyy-MM-dd HH:mm} UTC" : "";
        return new LedgerFailure(LedgerError.BudgetExceeded,
            $"Budget {refusing.Id} ({refusing.Period}, {new Money(refusing.Amount)}) has no room: {new Money(Math.Max(0, refusing.Committed))} " +
            $"committed this period, this call may cost {r.Hold}{until}.",
            new BudgetRefusal(refusing.Id, refusing.Period, resetAt));
    }
}
