using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

public sealed record HealthSummary(InvariantRun? LastRun, int OverdueHolds, int WebhooksNeedingAttention);

/// <summary>What billing staff look at to know the ledger is sound: the invariant checker's runs and violations,
/// holds the expiry worker has not released, and how many payment provider events were not processed.</summary>
public sealed class LedgerHealth(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public async Task<HealthSummary> SummaryAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.InvariantRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var overdue = await db.Reservations.CountAsync(r => r.Status == ReservationStatus.Open && r.ExpiresAt <= now, ct);
        var webhooks = await db.PaymentEvents.CountAsync(e => e.Outcome == PaymentEventOutcomes.Failed || e.Outcome == PaymentEventOutcomes.Deferred, ct);
        return new HealthSummary(last, overdue, webhooks);
    }

    /// <summary>Newest first; with <paramref name="withViolationsOnly"/> only runs that found something.</summary>
    public async Task<IReadOnlyList<InvariantRun>> RunsAsync(bool withViolationsOnly = false, int limit = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.InvariantRuns.AsNoTracking();
        if (withViolationsOnly)
            q = q.Where(r => r.ViolationCount > 0);
        return await q.OrderByDescending(r => r.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<InvariantViolation>> ViolationsAsync(long runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InvariantViolations.AsNoTracking().Where(v => v.RunId == runId).OrderBy(v => v.Id).Take(1000).ToListAsync(ct);
    }
}
