using System.Data.Common;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>A renewed hold: the cycle that ended, settled, and the next cycle's hold.</summary>
public sealed record HoldRenewal(HoldResolution Settled, ReservationHold Next, bool Replayed);

/// <summary>
/// Renewing a hold for a long-running resource: the ending cycle's settle batch and the next cycle's reserve batch run
/// back to back in one client transaction (as <see cref="SettleManyAsync"/> nests resolutions), so either both land or
/// neither does. The settle's <c>status = 'open'</c> guard makes one renew, settle, release or expiry per cycle win; the
/// next hold's idempotency key (one per cycle) makes a retried renew find the first result.
/// </summary>
public sealed partial class LedgerWriter
{
    public async Task<LedgerResult<HoldRenewal>> RenewAsync(SettleRequest settle, ReserveRequest next, CancellationToken ct = default)
    {
        if (LedgerValidation.Check(settle) is { } badSettle)
            return badSettle;
        if (LedgerValidation.Check(next) is { } badNext)
            return badNext;
        if (next.IdempotencyKey is null)
            return LedgerResult<HoldRenewal>.Fail(LedgerError.InvalidRequest, "A renewal needs the next hold's idempotency key.");
        var resolution = new Resolution(settle.AccountId, settle.ReservationId, ReservationStatus.Settled, EntryTypes.Settlement,
            settle.Cost, settle.Description, settle.Origin, settle.Outcome);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (settled, held, failed) = await RunRenewalAsync(db, resolution, next, ct);
            if (settled is { } s && held is { } h)
                return LedgerResult<HoldRenewal>.Ok(new HoldRenewal(Resolved(resolution, s).Value!,
                    new ReservationHold(h.ReservationId!.Value, h.Id, next.Hold, new Money(h.BalanceAfter), h.ExpiresAt, false), false));
            if (await ReplayRenewalAsync(db, resolution, next, ct) is { } replay)
                return replay;
            if (failed is not null)
                return failed;
            if (settled is { } landed && await ExplainNextHoldRefusalAsync(db, next, landed, ct) is { } refusal)
                return refusal;
            if (attempt == MaxAttempts)
                return Contended<HoldRenewal>();
        }
    }

    private readonly record struct HeldRow(long Id, long? ReservationId, long BalanceAfter, DateTime ExpiresAt);

    /// <summary>Both batches in one transaction; commits only when both wrote. Settled without Held means the next hold
    /// was refused (everything rolled back); Failed is a refusal explained on the spot (a CHECK constraint).</summary>
    private async Task<(EntryRow? Settled, HeldRow? Held, LedgerFailure? Failed)> RunRenewalAsync(BillingDbContext db, Resolution resolution,
        ReserveRequest next, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        using var turn = await EnterWriterGateAsync(connection, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            var now = Now();
            var expiresAt = now + (next.Ttl ?? LedgerValidation.DefaultHoldTtl);
            var settled = await RunAsync(connection, tx, dialect.ResolveSql, p => BindResolution(p, resolution, now), ct);
            var held = settled is null ? null : await RunAsync(connection, tx, dialect.ReserveSql, p => BindReserve(p, next, now, expiresAt), ct);
            if (settled is null || held is null)
            {
                await tx.RollbackAsync(ct);
                return (settled, null, null);
            }
            await tx.CommitAsync(ct);
            return (settled, new HeldRow(held.Value.Id, held.Value.ReservationId, held.Value.BalanceAfter, expiresAt), null);
        }
        catch (DbException e) when (IsRetryable(e))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return (null, null, dialect.IsCheckViolation(e) ? OutOfRange : null);
        }
    }

    /// <summary>The cycle was not renewed by this call: the first renewal again when it asked for the same, else why not.</summary>
    private static async Task<LedgerResult<HoldRenewal>?> ReplayRenewalAsync(BillingDbContext db, Resolution settle, ReserveRequest next, CancellationToken ct)
    {
        var nextEntry = await FindByKeyAsync(db, next.AccountId, next.IdempotencyKey!, ct);
        var hold = await db.Reservations.AsNoTracking()
            .FirstOrDefaultAsync(x => x.Id == settle.ReservationId && (settle.AccountId == null || x.AccountId == settle.AccountId), ct);
        if (hold is null)
            return LedgerResult<HoldRenewal>.Fail(LedgerError.NotFound, "No such reservation.");
        if (nextEntry is null)
        {
            if (hold.Status == ReservationStatus.Open)
            {
                // Open: the wrong shape is explained; otherwise a lost race or a refused next hold, explained by the caller.
                var (open, _) = await ReplayResolutionAsync(db, settle, ct);
                return open?.Failure is { } failure ? LedgerResult<HoldRenewal>.Fail(failure.Error, failure.Message) : null;
            }
            var was = hold.Status is ReservationStatus.Settled or ReservationStatus.SettledLate ? "settled" : hold.Status;
            return LedgerResult<HoldRenewal>.Fail(LedgerError.ReservationClosed, $"Reservation {settle.ReservationId} is already {was}; it was not renewed.");
        }
        var nextHold = nextEntry.ReservationId is { } id ? await db.Reservations.AsNoTracking().SingleAsync(x => x.Id == id, ct) : null;
        if (nextEntry.Type != EntryTypes.Reservation || nextHold is null || !SameReservation(nextHold, next)
            || hold.Status != ReservationStatus.Settled || !await SameSettlementAsync(db, hold, settle, ct))
            return Conflict<HoldRenewal>(next.IdempotencyKey!);
        var (settled, _) = await ReplayResolutionAsync(db, settle, ct);
        return settled?.Value is { } first
            ? LedgerResult<HoldRenewal>.Ok(new HoldRenewal(first, new ReservationHold(nextHold.Id, nextEntry.Id, new Money(nextHold.Amount),
                new Money(nextEntry.BalanceAfter), nextHold.ExpiresAt, true), true))
            : Conflict<HoldRenewal>(next.IdempotencyKey!);
    }

    /// <summary>Why the next hold was refused, on the balance the settlement would have left (it was rolled back with it).</summary>
    private async Task<LedgerResult<HoldRenewal>?> ExplainNextHoldRefusalAsync(BillingDbContext db, ReserveRequest next, EntryRow settled, CancellationToken ct)
    {
        if (await ExplainStatusRefusalAsync(db, next.AccountId, reserving: true, ct) is { } status)
            return status;
        if (next.Call is not null && await ExplainKeyRefusalAsync(db, next, ct) is { } key)
            return key;
        if (await ExplainBudgetRefusalAsync(db, next, settled, ct) is { } budget)
            return budget;
        if (await ExplainRefusalAsync(db, next.AccountId, settled.Amount - next.Hold.Units, enforceFloor: true, ct) is { } funds)
            return funds;
        return null;
    }
}
