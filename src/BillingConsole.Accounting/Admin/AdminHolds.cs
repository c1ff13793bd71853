using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

public sealed record OpenHold(long ReservationId, long AccountId, string AccountName, Money Amount, DateTime CreatedAt, DateTime ExpiresAt,
    long? ApiKeyId, string? ModelName)
{
    public bool IsOverdue(DateTime now) => ExpiresAt <= now;
}

/// <summary>
/// Holds still open: for one account, or across all accounts the ones past their expiry — leaked holds the expiry worker
/// has not released (it may be stopped or behind). Releasing one is the ordinary release, through the ledger.
/// </summary>
public sealed class AdminHolds(IDbContextFactory<BillingDbContext> dbFactory, LedgerWriter writer, AdminAuditLog audit, TimeProvider clock)
{
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<OpenHold>> ListAsync(long? accountId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Reservations.AsNoTracking().Where(r => r.Status == ReservationStatus.Open);
        q = accountId is { } a ? q.Where(r => r.AccountId == a) : q.Where(r => r.ExpiresAt <= now);
        return await q.OrderBy(r => r.ExpiresAt).ThenBy(r => r.Id).Take(MaxRows)
            .Select(r => new OpenHold(r.Id, r.AccountId, db.Accounts.Where(x => x.Id == r.AccountId).Select(x => x.Name).First(),
                new Money(r.Amount), r.CreatedAt, r.ExpiresAt, r.ApiKeyId,
                db.CatalogModels.Where(m => m.Id == r.ModelId).Select(m => m.Slug).FirstOrDefault()))
            .ToListAsync(ct);
    }

    public async Task<LedgerResult<HoldResolution>> ReleaseAsync(long accountId, long reservationId, string reason, AdminActor actor,
        CancellationToken ct = default)
    {
        if (AdminAdjustments.CheckReason(reason) is { } bad)
            return LedgerResult<HoldResolution>.Fail(LedgerError.InvalidRequest, bad);
        DateTime? expiresAt;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            expiresAt = await db.Reservations.AsNoTracking().Where(r => r.Id == reservationId && r.AccountId == accountId)
                .Select(r => (DateTime?)r.ExpiresAt).FirstOrDefaultAsync(ct);
        if (expiresAt is null)
            return LedgerResult<HoldResolution>.Fail(LedgerError.NotFound, "No such hold on this account.");
        // A call past its expiry is recorded as expired; one released early by hand as cancelled.
        var status = expiresAt <= clock.GetUtcNow().UtcDateTime ? RequestStatus.Expired : RequestStatus.Cancelled;
        // The audit row is written in the release's own transaction: there is no release without its row.
        return await writer.ReleaseAsync(new ReleaseRequest(accountId, reservationId, $"Released by billing staff: {reason.Trim()}",
                actor.Origin, new CallOutcome(new(0, 0, 0), status, Charge: false)),
            released => audit.Entry(actor, new AdminAuditRecord(AdminActions.ReleaseHold, accountId, $"reservation:{reservationId}", reason.Trim(),
                $"open, {released.Hold} held", "released", released.EntryId)), ct);
    }
}
