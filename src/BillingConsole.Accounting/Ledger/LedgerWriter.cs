using System.Data.Common;
using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The one write path of the ledger. Every credit, debit, correction, reservation, settlement and release runs one
/// <see cref="ILedgerDialect"/> batch on the EF connection; reads happen only to explain a refusal or replay a retry.
/// </summary>
public sealed class LedgerWriter(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, TimeProvider clock)
{
    // A guard can fail because of a concurrent write that has since committed; the diagnosis then finds nothing
    // wrong and the batch is simply run again.
    private const int MaxAttempts = 3;

    public async Task<LedgerResult<PostedEntry>> PostAsync(PostRequest r, CancellationToken ct = default)
    {
        if (LedgerValidation.Check(r) is { } invalid)
            return invalid;
        var enforceFloor = EntryTypes.Get(r.Type).EnforcesFloor && r.Amount.IsNegative;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = await ExecuteAsync(db, dialect.PostSql(enforceFloor), cmd =>
            {
                BindEntry(cmd, r.AccountId, r.Type, r.Amount.Units, r.Description, r.Origin, r.RefId, r.IdempotencyKey);
                BindRange(cmd);
            }, ct);
            if (row is { } ok)
                return LedgerResult<PostedEntry>.Ok(new PostedEntry(ok.Id, r.AccountId, ok.Sequence, r.Type, new Money(ok.Amount), new Money(ok.BalanceAfter), false));
            if (row is null && r.IdempotencyKey is not null && await ReplayPostAsync(db, r, ct) is { } replay)
                return replay;
            if (await ExplainRefusalAsync(db, r.AccountId, r.Amount.Units, enforceFloor, ct) is { } failure)
                return failure;
            if (attempt == MaxAttempts)
                return LedgerResult<PostedEntry>.Fail(LedgerError.InsufficientCredits, "The balance changed during the write; try again.");
        }
    }

    public async Task<LedgerResult<ReservationHold>> ReserveAsync(ReserveRequest r, CancellationToken ct = default)
    {
        if (LedgerValidation.Check(r) is { } invalid)
            return invalid;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = Now();
            var expiresAt = now + (r.Ttl ?? LedgerValidation.DefaultHoldTtl);
            var row = await ExecuteAsync(db, dialect.ReserveSql, cmd =>
            {
                BindEntry(cmd, r.AccountId, EntryTypes.Reservation, r.Hold.Units, r.Description, r.Origin, null, r.IdempotencyKey, now);
                BindRange(cmd);
                dialect.AddParameter(cmd, "expires_at", expiresAt);
            }, ct);
            if (row is { } ok)
                return LedgerResult<ReservationHold>.Ok(new ReservationHold(ok.ReservationId!.Value, ok.Id, r.Hold, new Money(ok.BalanceAfter), expiresAt, false));
            if (r.IdempotencyKey is not null && await ReplayReserveAsync(db, r, ct) is { } replay)
                return replay;
            if (await ExplainRefusalAsync(db, r.AccountId, -r.Hold.Units, enforceFloor: true, ct) is { } failure)
                return failure;
            if (attempt == MaxAttempts)
                return LedgerResult<ReservationHold>.Fail(LedgerError.InsufficientCredits, "The balance changed during the write; try again.");
        }
    }

    public async Task<LedgerResult<HoldResolution>> SettleAsync(SettleRequest r, CancellationToken ct = default) =>
        LedgerValidation.Check(r) is { } invalid
            ? invalid
            : await ResolveAsync(r.AccountId, r.ReservationId, ReservationStatus.Settled, EntryTypes.Settlement, r.Cost, r.Description, r.Origin, ct);

    public async Task<LedgerResult<HoldResolution>> ReleaseAsync(ReleaseRequest r, CancellationToken ct = default) =>
        LedgerValidation.Check(r) is { } invalid
            ? invalid
            : await ResolveAsync(r.AccountId, r.ReservationId, ReservationStatus.Released, EntryTypes.Release, Money.Zero, r.Description, r.Origin, ct);

    /// <summary>Releases up to <paramref name="max"/> holds whose expiry has passed; returns how many this call released.</summary>
    public async Task<int> ReleaseExpiredAsync(int max = 500, CancellationToken ct = default)
    {
        var now = Now();
        List<(long Id, long AccountId, DateTime ExpiresAt)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = (await db.Reservations.AsNoTracking()
                    .Where(x => x.Status == ReservationStatus.Open && x.ExpiresAt <= now)
                    .OrderBy(x => x.ExpiresAt).Take(max)
                    .Select(x => new { x.Id, x.AccountId, x.ExpiresAt }).ToListAsync(ct))
                .Select(x => (x.Id, x.AccountId, x.ExpiresAt)).ToList();
        }
        var released = 0;
        foreach (var hold in due)
        {
            var result = await ResolveAsync(hold.AccountId, hold.Id, ReservationStatus.Expired, EntryTypes.Release, Money.Zero,
                $"Hold {hold.Id} expired unused at {hold.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC", new Origin(EntrySources.System, "hold-expiry"), ct);
            if (result.Value is { Replayed: false })
                released++;
        }
        return released;
    }

    private async Task<LedgerResult<HoldResolution>> ResolveAsync(long accountId, long reservationId, string status, string type,
        Money cost, string description, Origin origin, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await ExecuteAsync(db, dialect.ResolveSql, cmd =>
        {
            BindEntry(cmd, accountId, type, 0, description, origin, null, null);
            dialect.AddParameter(cmd, "reservation_id", reservationId);
            dialect.AddParameter(cmd, "cost", cost.Units);
            dialect.AddParameter(cmd, "status", status);
        }, ct);
        if (row is { } ok)
            return LedgerResult<HoldResolution>.Ok(new HoldResolution(reservationId, ok.Id, status, new Money(ok.Amount), cost, new Money(ok.BalanceAfter), false));
        return await ReplayResolutionAsync(db, accountId, reservationId, status, cost, ct);
    }

    /// <summary>The reservation was not open: the first resolution again if this one asks for the same, else a conflict.</summary>
    private static async Task<LedgerResult<HoldResolution>> ReplayResolutionAsync(BillingDbContext db, long accountId, long reservationId,
        string status, Money cost, CancellationToken ct)
    {
        var hold = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == reservationId && x.AccountId == accountId, ct);
        if (hold is null)
            return LedgerResult<HoldResolution>.Fail(LedgerError.NotFound, "No such reservation.");
        var sameOutcome = status == ReservationStatus.Settled
            ? hold.Status == ReservationStatus.Settled && hold.Cost == cost.Units
            : hold.Status is ReservationStatus.Released or ReservationStatus.Expired;
        if (!sameOutcome)
        {
            var was = hold.Status == ReservationStatus.Settled ? $"settled at {new Money(hold.Cost ?? 0)}" : hold.Status;
            return LedgerResult<HoldResolution>.Fail(LedgerError.ReservationClosed, $"Reservation {reservationId} is already {was}.");
        }
        var entry = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.ReservationId == reservationId && (e.Type == EntryTypes.Settlement || e.Type == EntryTypes.Release))
            .SingleAsync(ct);
        return LedgerResult<HoldResolution>.Ok(new HoldResolution(reservationId, entry.Id, hold.Status, new Money(entry.Amount),
            new Money(hold.Cost ?? 0), new Money(entry.BalanceAfter), true));
    }

    private static async Task<LedgerResult<PostedEntry>?> ReplayPostAsync(BillingDbContext db, PostRequest r, CancellationToken ct)
    {
        var first = await FindByKeyAsync(db, r.AccountId, r.IdempotencyKey!, ct);
        if (first is null)
            return null;
        if (first.Type != r.Type || first.Amount != r.Amount.Units || first.RefId != r.RefId)
            return Conflict<PostedEntry>(r.IdempotencyKey!);
        return LedgerResult<PostedEntry>.Ok(new PostedEntry(first.Id, first.AccountId, first.Sequence, first.Type,
            new Money(first.Amount), new Money(first.BalanceAfter), true));
    }

    private static async Task<LedgerResult<ReservationHold>?> ReplayReserveAsync(BillingDbContext db, ReserveRequest r, CancellationToken ct)
    {
        var first = await FindByKeyAsync(db, r.AccountId, r.IdempotencyKey!, ct);
        if (first is null)
            return null;
        if (first.Type != EntryTypes.Reservation || first.Amount != -r.Hold.Units || first.ReservationId is null)
            return Conflict<ReservationHold>(r.IdempotencyKey!);
        var hold = await db.Reservations.AsNoTracking().SingleAsync(x => x.Id == first.ReservationId, ct);
        return LedgerResult<ReservationHold>.Ok(new ReservationHold(hold.Id, first.Id, new Money(hold.Amount),
            new Money(first.BalanceAfter), hold.ExpiresAt, true));
    }

    private static Task<LedgerEntry?> FindByKeyAsync(BillingDbContext db, long accountId, string key, CancellationToken ct) =>
        db.LedgerEntries.AsNoTracking().FirstOrDefaultAsync(e => e.AccountId == accountId && e.IdempotencyKey == key, ct);

    private static LedgerResult<T> Conflict<T>(string key) where T : class =>
        LedgerResult<T>.Fail(LedgerError.IdempotencyConflict, $"Idempotency key '{key}' was already used with other parameters.");

    /// <summary>Why a guarded batch wrote nothing, or null when the guard would pass now (a concurrent write moved on).</summary>
    private static async Task<LedgerFailure?> ExplainRefusalAsync(BillingDbContext db, long accountId, long amount, bool enforceFloor, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId).Select(a => new { a.Balance, a.OverdraftFloor }).FirstOrDefaultAsync(ct);
        if (account is null)
            return new LedgerFailure(LedgerError.NotFound, "No such account.");
        var after = account.Balance + amount;
        if (after > Money.Max.Units || after < -Money.Max.Units)
            return new LedgerFailure(LedgerError.BalanceLimit, "The balance would leave the supported range of ±$1,000,000,000.");
        if (enforceFloor && after < account.OverdraftFloor)
            return new LedgerFailure(LedgerError.InsufficientCredits,
                $"Insufficient credits: the balance is {new Money(account.Balance)} and this needs {new Money(-amount)}.");
        return null;
    }

    private readonly record struct EntryRow(long Id, long Sequence, long Amount, long BalanceAfter, long? ReservationId);

    /// <summary>Runs one batch; null when its guards wrote nothing or an idempotency key was already taken.</summary>
    private async Task<EntryRow?> ExecuteAsync(BillingDbContext db, string sql, Action<DbCommand> bind, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var tx = dialect.NeedsClientTransaction ? await connection.BeginTransactionAsync(ct) : null;
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        bind(cmd);
        try
        {
            EntryRow? row = null;
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                do
                {
                    if (reader.FieldCount == 5 && await reader.ReadAsync(ct))
                        row = new EntryRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                            reader.IsDBNull(4) ? null : reader.GetInt64(4));
                } while (row is null && await reader.NextResultAsync(ct));
            }
            if (tx is not null)
                await tx.CommitAsync(ct);
            return row;
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            if (tx is not null)
                await tx.RollbackAsync(CancellationToken.None);
            return null;
        }
    }

    private void BindEntry(DbCommand cmd, long accountId, string type, long amount, string description, Origin origin,
        string? refId, string? idempotencyKey, DateTime? at = null)
    {
        dialect.AddParameter(cmd, "account_id", accountId);
        dialect.AddParameter(cmd, "type", type);
        dialect.AddParameter(cmd, "amount", amount);
        dialect.AddParameter(cmd, "created_at", at ?? Now());
        dialect.AddParameter(cmd, "description", description.Trim());
        dialect.AddParameter(cmd, "source", origin.Source);
        dialect.AddParameter(cmd, "ref_id", refId);
        dialect.AddParameter(cmd, "actor", origin.Actor);
        dialect.AddParameter(cmd, "idempotency_key", idempotencyKey);
    }

    private void BindRange(DbCommand cmd)
    {
        dialect.AddParameter(cmd, "min_balance", -Money.Max.Units);
        dialect.AddParameter(cmd, "max_balance", Money.Max.Units);
    }

    // Microseconds: the finest precision every provider stores, so what is written reads back identical.
    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
