using System.Data.Common;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Diagnostics;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// The one write path of the ledger. Every credit, debit, correction, reservation, settlement and release runs one
/// <see cref="ILedgerDialect"/> batch on the EF connection; reads happen only to explain a refusal or replay a retry.
/// </summary>
public sealed partial class LedgerWriter(IDbContextFactory<BillingDbContext> dbFactory, ILedgerDialect dialect, TimeProvider clock,
    IOptions<GroupCommitOptions>? groupCommit = null)
{
    // A guard can fail because of a concurrent write that has since committed, or a batch can lose a deadlock; the
    // batch wrote nothing either way and simply runs again.
    private const int MaxAttempts = 3;

    public Task<LedgerResult<PostedEntry>> PostAsync(PostRequest r, CancellationToken ct = default) => PostAsync(r, null, ct);

    /// <summary>Posts, and in the same transaction inserts the row <paramref name="record"/> makes of the new entry (an
    /// admin action's audit row): both are written or neither. A replayed retry inserts nothing (the first did).</summary>
    public Task<LedgerResult<PostedEntry>> PostAsync(PostRequest r, Func<PostedEntry, AdminAuditEntry>? record, CancellationToken ct = default) =>
        LedgerMetrics.MeasureAsync("post", r.Type, r.AccountId, () => WritePostAsync(r, record, ct));

    private async Task<LedgerResult<PostedEntry>> WritePostAsync(PostRequest r, Func<PostedEntry, AdminAuditEntry>? record, CancellationToken ct)
    {
        if (LedgerValidation.Check(r) is { } invalid)
            return invalid;
        var enforceFloor = EntryTypes.Get(r.Type).EnforcesFloor && r.Amount.IsNegative;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            PostedEntry Posted(EntryRow row) => new(row.Id, r.AccountId, row.Sequence, r.Type, new Money(row.Amount), new Money(row.BalanceAfter), false);
            var (row, outOfRange) = await ExecuteAsync(db, r.AccountId, dialect.PostSql(enforceFloor), p =>
            {
                BindEntry(p, r.AccountId, r.Type, r.Amount.Units, r.Description, r.Origin, r.RefId, r.IdempotencyKey, Now());
                BindRange(p);
            }, record is null ? null : written => record(Posted(written)), ct);
            if (outOfRange)
                return OutOfRange;
            if (row is { } ok)
                return LedgerResult<PostedEntry>.Ok(Posted(ok));
            if (r.IdempotencyKey is not null && await ReplayPostAsync(db, r, ct) is { } replay)
                return replay;
            if (await ExplainStatusRefusalAsync(db, r.AccountId, reserving: false, ct) is { } statusFailure)
                return statusFailure;
            if (await ExplainRefusalAsync(db, r.AccountId, r.Amount.Units, enforceFloor, ct) is { } failure)
                return failure;
            if (attempt == MaxAttempts)
                return Contended<PostedEntry>();
        }
    }

    public Task<LedgerResult<ReservationHold>> ReserveAsync(ReserveRequest r, CancellationToken ct = default) =>
        LedgerMetrics.MeasureAsync("reserve", EntryTypes.Reservation, r.AccountId, () => WriteReserveAsync(r, ct));

    private async Task<LedgerResult<ReservationHold>> WriteReserveAsync(ReserveRequest r, CancellationToken ct)
    {
        if (LedgerValidation.Check(r) is { } invalid)
            return invalid;
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = Now();
            var expiresAt = now + (r.Ttl ?? LedgerValidation.DefaultHoldTtl);
            var (row, outOfRange) = await ExecuteAsync(db, r.AccountId, dialect.ReserveSql, p => BindReserve(p, r, now, expiresAt), null, ct);
            if (outOfRange)
                return OutOfRange;
            if (row is { } ok)
                return LedgerResult<ReservationHold>.Ok(new ReservationHold(ok.ReservationId!.Value, ok.Id, r.Hold, new Money(ok.BalanceAfter), expiresAt, false));
            if (r.IdempotencyKey is not null && await ReplayReserveAsync(db, r, ct) is { } replay)
                return replay;
            if (await ExplainStatusRefusalAsync(db, r.AccountId, reserving: true, ct) is { } statusFailure)
                return statusFailure;
            if (r.Call is not null && await ExplainKeyRefusalAsync(db, r, ct) is { } keyFailure)
                return keyFailure;
            if (await ExplainBudgetRefusalAsync(db, r, null, ct) is { } budgetFailure)
                return budgetFailure;
            if (await ExplainRefusalAsync(db, r.AccountId, -r.Hold.Units, enforceFloor: true, ct) is { } failure)
                return failure;
            if (attempt == MaxAttempts)
                return Contended<ReservationHold>();
        }
    }

    private void BindReserve(DbParameterCollection p, ReserveRequest r, DateTime now, DateTime expiresAt)
    {
        BindEntry(p, r.AccountId, EntryTypes.Reservation, r.Hold.Units, r.Description, r.Origin, null, r.IdempotencyKey, now);
        BindRange(p);
        Bind(p, "expires_at", expiresAt);
        Bind(p, "ttl_seconds", (int)(r.Ttl ?? LedgerValidation.DefaultHoldTtl).TotalSeconds);
        Bind(p, "month", Budgets.BudgetPeriods.MonthStart(now));
        Bind(p, "day_start", Budgets.BudgetPeriods.DayStart(now));
        Bind(p, "week_start", Budgets.BudgetPeriods.WeekStart(now));
        Bind(p, "lifetime_start", Budgets.BudgetPeriods.LifetimeStart);
        Bind(p, "api_key_id", r.Call?.ApiKeyId);
        Bind(p, "model_id", r.Call?.ModelId);
        Bind(p, "price_id", r.Call?.PriceId);
        Bind(p, "max_input_tokens", r.Call?.MaxInputTokens);
        Bind(p, "max_output_tokens", r.Call?.MaxOutputTokens);
        Bind<string>(p, "tags", r.Call?.Tags);
        Bind(p, "max_quantity", r.Call?.MaxQuantity);
    }

    public Task<LedgerResult<HoldResolution>> SettleAsync(SettleRequest r, CancellationToken ct = default) =>
        LedgerMetrics.MeasureAsync("settle", EntryTypes.Settlement, r.AccountId, () => WriteSettleAsync(r, ct), r.ReservationId);

    private async Task<LedgerResult<HoldResolution>> WriteSettleAsync(SettleRequest r, CancellationToken ct) =>
        LedgerValidation.Check(r) is { } invalid
            ? invalid
            : await ResolveAsync(new Resolution(r.AccountId, r.ReservationId, ReservationStatus.Settled, EntryTypes.Settlement,
                r.Cost, r.Description, r.Origin, r.Outcome), ct);

    public Task<LedgerResult<HoldResolution>> ReleaseAsync(ReleaseRequest r, CancellationToken ct = default) => ReleaseAsync(r, null, ct);

    /// <summary>Releases a hold; with <paramref name="record"/>, also inserts the row it makes of the release in the same
    /// transaction (see <see cref="PostAsync(PostRequest, Func{PostedEntry, AdminAuditEntry}?, CancellationToken)"/>).</summary>
    public Task<LedgerResult<HoldResolution>> ReleaseAsync(ReleaseRequest r, Func<HoldResolution, AdminAuditEntry>? record,
        CancellationToken ct = default) =>
        LedgerMetrics.MeasureAsync("release", EntryTypes.Release, r.AccountId, () => WriteReleaseAsync(r, record, ct), r.ReservationId);

    private async Task<LedgerResult<HoldResolution>> WriteReleaseAsync(ReleaseRequest r, Func<HoldResolution, AdminAuditEntry>? record,
        CancellationToken ct) =>
        LedgerValidation.Check(r) is { } invalid
            ? invalid
            : await ResolveAsync(new Resolution(r.AccountId, r.ReservationId, ReservationStatus.Released, EntryTypes.Release,
                Money.Zero, r.Description, r.Origin, r.Outcome ?? ReleasedCall(RequestStatus.Cancelled)), ct, record);

    /// <summary>Releases up to <paramref name="max"/> holds whose expiry has passed; returns how many this call released.</summary>
    public async Task<int> ReleaseExpiredAsync(int max = 500, CancellationToken ct = default)
    {
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.Reservations.AsNoTracking()
            .Where(x => x.Status == ReservationStatus.Open && x.ExpiresAt <= now)
            .OrderBy(x => x.ExpiresAt).Take(max)
            .Select(x => new { x.Id, x.AccountId, x.ExpiresAt })
            .ToListAsync(ct);
        var released = 0;
        foreach (var chunk in due.Chunk(ResolutionsPerTransaction))
        {
            var results = await ResolveTogetherAsync(chunk.Select(hold => new Resolution(hold.AccountId, hold.Id, ReservationStatus.Expired,
                EntryTypes.Release, Money.Zero, MeteringTexts.Expired(hold.Id, hold.ExpiresAt), ExpiryOrigin,
                ReleasedCall(RequestStatus.Expired))).ToList(), ct);
            released += results.Count(x => x.Value is { Replayed: false });
        }
        return released;
    }

    public static readonly Origin ExpiryOrigin = new(EntrySources.System, "hold-expiry");

    private static CallOutcome ReleasedCall(string status) => new(new(0, 0, 0), status, Charge: false);

    /// <summary>One hold to close. <see cref="Late"/>: a settle that found its hold expired, charged as a
    /// <see cref="EntryTypes.UsageDebit"/> citing it (see <see cref="AsLate"/>).</summary>
    private sealed record Resolution(long? AccountId, long ReservationId, string Status, string Type, Money Cost,
        string Description, Origin Origin, CallOutcome? Outcome, bool Late = false);

    /// <summary>The settle <paramref name="r"/> again, for a hold that expired before it arrived: the call ran, so it is
    /// charged in full at the hold's price version by one usage_debit citing the reservation (the expiry already
    /// handed the hold back). Idempotent like any settle: the hold can be settled late once.</summary>
    private static Resolution AsLate(Resolution r) => r with
    {
        Status = ReservationStatus.SettledLate,
        Type = EntryTypes.UsageDebit,
        Description = MeteringTexts.SettledLate(r.ReservationId, r.Description),
        Late = true,
    };

    private async Task<LedgerResult<HoldResolution>> ResolveAsync(Resolution r, CancellationToken ct, Func<HoldResolution, AdminAuditEntry>? record = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (row, outOfRange) = await ExecuteAsync(db, r.AccountId ?? 0, dialect.ResolveSql, p => BindResolution(p, r, Now()),
                record is null ? null : written => record(Resolved(r, written).Value!), ct);
            if (outOfRange)
                return OutOfRange;
            if (row is { } ok)
                return Resolved(r, ok);
            var (replay, expired) = await ReplayResolutionAsync(db, r, ct);
            if (replay is not null)
                return replay;
            if (expired)
            {
                r = AsLate(r);
                attempt--; // finding the hold expired is not contention: the late settle gets its own attempts
                continue;
            }
            if (attempt == MaxAttempts)
                return Contended<HoldResolution>();
        }
    }

    private static LedgerResult<HoldResolution> Resolved(Resolution r, EntryRow row) =>
        LedgerResult<HoldResolution>.Ok(new HoldResolution(r.ReservationId, row.Id, r.Status, new Money(row.Hold ?? 0),
            new Money(row.Amount), new Money(row.Cost ?? 0), new Money(row.MarketCost ?? 0), new Money(row.BalanceAfter), false));

    private void BindResolution(DbParameterCollection p, Resolution r, DateTime now)
    {
        var outcome = r.Outcome;
        var tokens = outcome?.Tokens ?? default;
        BindEntry(p, r.AccountId, r.Type, 0, r.Description, r.Origin, null, null, now);
        Bind(p, "reservation_id", r.ReservationId);
        Bind(p, "status", r.Status);
        Bind(p, "late", r.Late ? 1L : 0L);
        Bind(p, "charge", r.Status is ReservationStatus.Settled or ReservationStatus.SettledLate && (outcome?.Charge ?? true) ? 1L : 0L);
        Bind(p, "cost", r.Cost.Units);
        Bind(p, "day", now.Date);
        Bind(p, "input_tokens", tokens.Input);
        Bind(p, "output_tokens", tokens.Output);
        Bind(p, "cached_tokens", tokens.Cached);
        Bind(p, "quantity", outcome?.Quantity ?? 0);
        Bind(p, "shape", ShapeOf(r));
        Bind(p, "request_status", outcome?.RequestStatus ?? RequestStatus.Success);
        Bind<string>(p, "error_code", outcome?.ErrorCode);
        Bind(p, "http_status", outcome?.HttpStatus);
        Bind(p, "latency_ms", outcome?.LatencyMs);
        Bind(p, "ttfb_ms", outcome?.TtfbMs);
        Bind(p, "streaming", outcome?.Streaming ?? false);
        Bind<string>(p, "provider", outcome?.Provider);
        Bind<string>(p, "client_ip", outcome?.ClientIp);
        Bind<string>(p, "user_agent", outcome?.UserAgent);
    }

    /// <summary>See <see cref="LedgerSql.ShapeGuard"/>: a metered settle names its hold's shape; anything else resolves either.</summary>
    private static long ShapeOf(Resolution r) =>
        r.Status is not (ReservationStatus.Settled or ReservationStatus.SettledLate) || r.Outcome is null ? 0 : r.Outcome.Quantity is null ? 1 : 2;

    private readonly record struct EntryRow(long Id, long Sequence, long Amount, long BalanceAfter, long? ReservationId,
        long? Hold, long? Cost, long? MarketCost);

    // A settlement is never refused by the range guards (the call ran), so only the accounts' CHECK constraint stops
    // one that would take a balance past ±$4 billion; the whole batch then failed and wrote nothing.
    private static readonly LedgerFailure OutOfRange =
        new(LedgerError.BalanceLimit, "The balance would leave the range the ledger can store; nothing was written.");

    /// <summary>Runs one batch. Row is null when its guards wrote nothing, an idempotency key was already taken, it lost
    /// a deadlock, or (OutOfRange) a CHECK constraint refused it. A client transaction commits only when the batch
    /// appended its entry; with <paramref name="record"/> there always is one, and the row it makes of the appended
    /// entry is inserted in it before the commit.</summary>
    private async Task<(EntryRow? Row, bool OutOfRange)> ExecuteAloneAsync(BillingDbContext db, string sql, Action<DbParameterCollection> bind,
        Func<EntryRow, AdminAuditEntry>? record, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        using var turn = await EnterWriterGateAsync(connection, ct);
        await using var tx = dialect.NeedsClientTransaction || record is not null ? await connection.BeginTransactionAsync(ct) : null;
        try
        {
            var row = await RunAsync(connection, tx, sql, bind, ct);
            if (row is { } written && record is not null)
            {
                await db.Database.UseTransactionAsync(tx, ct);
                db.Add(record(written));
                await db.SaveChangesAsync(ct);
            }
            if (tx is not null)
            {
                if (row is null)
                    await tx.RollbackAsync(ct);
                else
                    await tx.CommitAsync(ct);
            }
            return (row, false);
        }
        catch (DbException e) when (IsRetryable(e))
        {
            if (tx is not null)
                await tx.RollbackAsync(CancellationToken.None);
            return (null, dialect.IsCheckViolation(e));
        }
    }

    // SQLite has one writer at a time per database. Queueing this process's writers here, instead of letting them
    // collide on the file lock and back off in the driver's busy loop, is what keeps latency flat under load.
    private async Task<IDisposable?> EnterWriterGateAsync(DbConnection connection, CancellationToken ct) =>
        dialect.NeedsClientTransaction ? await WriterGate.EnterAsync(connection.ConnectionString, ct) : null;

    /// <summary>A failure after which the batch wrote nothing and the caller explains or retries it.</summary>
    private bool IsRetryable(DbException e) => dialect.IsUniqueViolation(e) || dialect.IsTransient(e) || dialect.IsCheckViolation(e);

    private static async Task<EntryRow?> RunAsync(DbConnection connection, DbTransaction? tx, string sql, Action<DbParameterCollection> bind, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        bind(cmd.Parameters);
        return await RunAsync(cmd, ct);
    }

    private static async Task<EntryRow?> RunAsync(DbCommand cmd, CancellationToken ct)
    {
        EntryRow? row = null;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // Read every result so every statement of the batch has run before the transaction ends.
        do
        {
            if (row is null && reader.FieldCount == LedgerSql.ReturnedColumnCount && await reader.ReadAsync(ct))
                row = ReadRow(reader);
        } while (await reader.NextResultAsync(ct));
        return row;
    }

    private static EntryRow ReadRow(DbDataReader reader, int first = 0) =>
        new(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3),
            NullableInt64(reader, first + 4), NullableInt64(reader, first + 5), NullableInt64(reader, first + 6), NullableInt64(reader, first + 7));

    private static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private void BindEntry(DbParameterCollection p, long? accountId, string type, long amount, string description, Origin origin,
        string? refId, string? idempotencyKey, DateTime at)
    {
        Bind(p, "account_id", accountId);
        Bind(p, "type", type);
        Bind(p, "amount", amount);
        Bind(p, "created_at", at);
        Bind(p, "description", description.Trim());
        Bind(p, "source", origin.Source);
        Bind<string>(p, "ref_id", refId);
        Bind(p, "actor", origin.Actor);
        Bind<string>(p, "idempotency_key", idempotencyKey);
    }

    private void BindRange(DbParameterCollection p)
    {
        Bind(p, "min_balance", -Money.Max.Units);
        Bind(p, "max_balance", Money.Max.Units);
    }

    private void Bind<T>(DbParameterCollection p, string name, T? value) where T : struct =>
        dialect.AddParameter(p, name, value, typeof(T));

    private void Bind<T>(DbParameterCollection p, string name, T value) where T : notnull =>
        dialect.AddParameter(p, name, value, typeof(T));

    private void Bind<T>(DbParameterCollection p, string name, string? value) where T : class =>
        dialect.AddParameter(p, name, value, typeof(string));

    // Microseconds: the finest precision every provider stores, so what is written reads back identical.
    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
