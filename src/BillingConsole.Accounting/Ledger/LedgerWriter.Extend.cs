using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>The new expiry of a hold whose lifetime was extended.</summary>
public sealed record HoldExtension(long ReservationId, DateTime ExpiresAt);

public sealed partial class LedgerWriter
{
    /// <summary>Keeps an open hold alive for <paramref name="ttl"/> from now (a long call's heartbeat). No money moves,
    /// so no entry: only the hold's expiry changes, by one guarded UPDATE. Against the expiry worker exactly one wins:
    /// its release is guarded by <c>expires_at &lt;= now</c> on the row it locks, so an extension committed first keeps
    /// the hold open, and a release committed first makes the extension a 409.</summary>
    public async Task<LedgerResult<HoldExtension>> ExtendAsync(long reservationId, TimeSpan ttl, CancellationToken ct = default)
    {
        if (reservationId <= 0)
            return LedgerResult<HoldExtension>.Fail(LedgerError.NotFound, "No such reservation.");
        if (ttl <= TimeSpan.Zero || ttl > LedgerValidation.MaxHoldTtl)
            return LedgerResult<HoldExtension>.Fail(LedgerError.InvalidRequest, "A hold lasts between one second and one day.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var expiresAt = Now() + ttl;
        int changed;
        using (await EnterWriterGateAsync(db.Database.GetDbConnection(), ct))
            changed = await db.Reservations
                .Where(r => r.Id == reservationId && r.Status == ReservationStatus.Open)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, expiresAt), ct);
        if (changed == 1)
            return LedgerResult<HoldExtension>.Ok(new HoldExtension(reservationId, expiresAt));
        var status = await db.Reservations.AsNoTracking().Where(r => r.Id == reservationId).Select(r => r.Status).FirstOrDefaultAsync(ct);
        return status is null
            ? LedgerResult<HoldExtension>.Fail(LedgerError.NotFound, "No such reservation.")
            : LedgerResult<HoldExtension>.Fail(LedgerError.ReservationClosed, $"Reservation {reservationId} is already {status}: only an open hold can be extended.");
    }
}
