using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>Hold resolution: every reservation ends in exactly one settlement or release; expired holds are released;
/// a hold settled after its expiry has, besides its release, exactly one usage_debit citing it, and no other hold has one.</summary>
public sealed partial class InvariantChecker
{
    /// <summary>Every reservation of <paramref name="accountIds"/> has one matching hold entry and, once closed, one
    /// settlement or release; an open one has none and has not outlived its expiry. <paramref name="sinceCheckpoints"/>
    /// limits the check to open holds and those with an entry past their account's checkpoint: the same cursor as the
    /// chain walk, so a hold resolved by a transaction that committed late is never skipped (a timestamp cursor would
    /// skip it).</summary>
    private async Task CheckHoldsAsync(BillingDbContext db, InvariantRun run, List<long> accountIds, bool sinceCheckpoints, CancellationToken ct)
    {
        if (accountIds.Count == 0)
            return;
        var leakedBefore = clock.GetUtcNow().UtcDateTime - LeakGrace;
        var holds = db.Reservations.AsNoTracking().Where(r => accountIds.Contains(r.AccountId));
        if (sinceCheckpoints)
        {
            var touched = db.LedgerEntries
                .Where(e => accountIds.Contains(e.AccountId) && e.ReservationId != null
                            && e.Sequence > (db.InvariantCheckpoints.Where(c => c.AccountId == e.AccountId).Select(c => (long?)c.Sequence).FirstOrDefault() ?? 0))
                .Select(e => e.ReservationId);
            holds = holds.Where(r => r.Status == ReservationStatus.Open || touched.Contains(r.Id));
        }
        var suspicious = await holds
            .Select(r => new
            {
                r.Id,
                r.AccountId,
                r.Status,
                r.Amount,
                r.ExpiresAt,
                HoldEntries = db.LedgerEntries.Count(e => e.ReservationId == r.Id && e.Type == EntryTypes.Reservation && e.Amount == -r.Amount),
                Resolutions = db.LedgerEntries.Count(e => e.ReservationId == r.Id && (e.Type == EntryTypes.Settlement || e.Type == EntryTypes.Release)),
                LateCharges = db.LedgerEntries.Count(e => e.ReservationId == r.Id && e.Type == EntryTypes.UsageDebit),
            })
            .Where(x => x.HoldEntries != 1
                        || (x.Status == ReservationStatus.Open ? x.Resolutions != 0 || x.ExpiresAt < leakedBefore : x.Resolutions != 1)
                        || x.LateCharges != (x.Status == ReservationStatus.SettledLate ? 1 : 0))
            .OrderBy(x => x.Id)
            .Take(MaxRecordedViolations)
            .ToListAsync(ct);
        foreach (var h in suspicious)
        {
            if (h.HoldEntries != 1)
                Add(run, h.AccountId, "hold_entry_mismatch", $"Reservation {h.Id} has {h.HoldEntries} matching reservation entries.");
            if (h.Status == ReservationStatus.Open && h.Resolutions != 0)
                Add(run, h.AccountId, "hold_status_mismatch", $"Reservation {h.Id} is open but has {h.Resolutions} resolution entries.");
            else if (h.Status == ReservationStatus.Open && h.ExpiresAt < leakedBefore)
                Add(run, h.AccountId, "hold_leaked", $"Reservation {h.Id} expired at {h.ExpiresAt:u} and is still open.");
            else if (h.Status != ReservationStatus.Open && h.Resolutions != 1)
                Add(run, h.AccountId, h.Resolutions == 0 ? "hold_unresolved" : "hold_resolved_twice",
                    $"Reservation {h.Id} is {h.Status} with {h.Resolutions} settlement/release entries.");
            if (h.LateCharges != (h.Status == ReservationStatus.SettledLate ? 1 : 0))
                Add(run, h.AccountId, "hold_late_charge_mismatch",
                    $"Reservation {h.Id} is {h.Status} with {h.LateCharges} late charges (usage_debit entries citing it).");
        }
    }
}
