using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>Explaining a batch that wrote nothing: a replayed retry, or the reason it was refused.</summary>
public sealed partial class LedgerWriter
{
    /// <summary>The hold was not resolvable: the first resolution again if this one asks for the same, else a conflict;
    /// Expired when a settle finds the hold released by its expiry (the caller then charges it late); neither when the
    /// hold is still open (a lost deadlock, or an expiry whose hold was extended first).</summary>
    private static async Task<(LedgerResult<HoldResolution>? Result, bool Expired)> ReplayResolutionAsync(BillingDbContext db, Resolution r,
        CancellationToken ct)
    {
        var hold = await db.Reservations.AsNoTracking()
            .FirstOrDefaultAsync(x => x.Id == r.ReservationId && (r.AccountId == null || x.AccountId == r.AccountId), ct);
        if (hold is null)
            return (LedgerResult<HoldResolution>.Fail(LedgerError.NotFound, "No such reservation."), false);
        var settling = r.Status is ReservationStatus.Settled or ReservationStatus.SettledLate;
        // A settle of the other shape than its hold (tokens for a quantity, or the reverse) is refused by the batch's guard.
        if (settling && hold.Status is ReservationStatus.Open or ReservationStatus.Expired
            && ShapeOf(r) is 1 or 2 && ShapeOf(r) == 2 != hold.MaxQuantity.HasValue)
            return (LedgerResult<HoldResolution>.Fail(LedgerError.InvalidRequest, hold.MaxQuantity.HasValue
                ? $"Reservation {r.ReservationId} holds a quantity: settle it with quantity, not tokens."
                : $"Reservation {r.ReservationId} holds tokens: settle it with tokens, not quantity."), false);
        if (hold.Status == ReservationStatus.Open)
            return (null, false); // resolved and reopened cannot happen; a lost deadlock can: run again
        if (settling && hold.Status == ReservationStatus.Expired)
        {
            if (!r.Late)
                return (null, true);
            // A late settle that wrote nothing while its hold is still expired: a closed account refuses it, a call that
            // costs nothing has nothing to charge (the expiry recorded it); anything else was a lost deadlock or a busy
            // database, and it runs again.
            var account = await db.Accounts.AsNoTracking().Where(a => a.Id == hold.AccountId)
                .Select(a => new { a.Status, a.Balance }).SingleAsync(ct);
            if (account.Status == AccountStatus.Closed)
                return (LedgerResult<HoldResolution>.Fail(LedgerError.AccountClosed,
                    $"Reservation {r.ReservationId} expired and account {hold.AccountId} is closed: the call can no longer be charged."), false);
            if (await LateCostAsync(db, hold, r, ct) == 0)
                return (LedgerResult<HoldResolution>.Ok(new HoldResolution(r.ReservationId, 0, ReservationStatus.Expired, Money.Zero, Money.Zero,
                    Money.Zero, Money.Zero, new Money(account.Balance), false)), false);
            return (null, false);
        }
        var sameOutcome = settling
            ? hold.Status is ReservationStatus.Settled or ReservationStatus.SettledLate && await SameSettlementAsync(db, hold, r, ct)
            : hold.Status is ReservationStatus.Released or ReservationStatus.Expired;
        if (!sameOutcome)
        {
            var was = hold.Status is ReservationStatus.Settled or ReservationStatus.SettledLate
                ? $"settled at {new Money(hold.Cost ?? 0)}"
                : hold.Status;
            return (LedgerResult<HoldResolution>.Fail(LedgerError.ReservationClosed, $"Reservation {r.ReservationId} is already {was}."), false);
        }
        var late = hold.Status == ReservationStatus.SettledLate;
        var entry = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.ReservationId == r.ReservationId
                        && (late ? e.Type == EntryTypes.UsageDebit : e.Type == EntryTypes.Settlement || e.Type == EntryTypes.Release))
            .SingleAsync(ct);
        var marketCost = await db.RequestRecords.Where(q => q.ReservationId == r.ReservationId).Select(q => (long?)q.MarketCost).FirstOrDefaultAsync(ct);
        return (LedgerResult<HoldResolution>.Ok(new HoldResolution(r.ReservationId, entry.Id, hold.Status, new Money(late ? 0 : hold.Amount),
            new Money(entry.Amount), new Money(hold.Cost ?? 0), new Money(marketCost ?? 0), new Money(entry.BalanceAfter), true)), false);
    }

    /// <summary>What a late settle charges, as the ledger SQL computes it (<see cref="LedgerSql.ChargedCost"/>).</summary>
    private static async Task<long> LateCostAsync(BillingDbContext db, Reservation hold, Resolution r, CancellationToken ct)
    {
        if (r.Outcome is { Charge: false })
            return 0;
        if (hold.PriceId is not { } priceId)
            return r.Cost.Units;
        var price = await db.ModelPrices.AsNoTracking().SingleAsync(p => p.Id == priceId, ct);
        var t = r.Outcome?.Tokens ?? default;
        return Catalog.Pricing.Cost(t.Input, t.Output, t.Cached, price.InputPerMillion, price.OutputPerMillion, price.CachedInputPerMillion,
            r.Outcome?.Quantity ?? 0, price.UnitPrice);
    }

    /// <summary>A repeated settle is the same when it reports the same call: every field of the request record it
    /// wrote (metered), or the same cost (unpriced). A retry that differs in any of them is another request.</summary>
    private static async Task<bool> SameSettlementAsync(BillingDbContext db, Reservation hold, Resolution r, CancellationToken ct)
    {
        if (hold.ModelId is null || r.Outcome is null)
            return hold.Cost == r.Cost.Units;
        var o = r.Outcome;
        var t = o.Tokens;
        return await db.RequestRecords.AnyAsync(q => q.ReservationId == hold.Id && q.InputTokens == t.Input && q.OutputTokens == t.Output
            && q.CachedTokens == t.Cached && q.Status == o.RequestStatus && q.ErrorCode == o.ErrorCode && q.LatencyMs == o.LatencyMs
            && q.TtfbMs == o.TtfbMs && q.Streaming == o.Streaming && q.Provider == o.Provider && q.ClientIp == o.ClientIp
            && q.UserAgent == o.UserAgent && q.HttpStatus == o.HttpStatus && q.Quantity == (o.Quantity ?? 0), ct);
    }

    private static async Task<LedgerResult<PostedEntry>?> ReplayPostAsync(BillingDbContext db, PostRequest r, CancellationToken ct)
    {
        var first = await FindByKeyAsync(db, r.AccountId, r.IdempotencyKey!, ct);
        if (first is null)
            return null;
        if (first.Type != r.Type || first.Amount != r.Amount.Units || first.RefId != r.RefId || first.Description != r.Description)
            return Conflict<PostedEntry>(r.IdempotencyKey!);
        return LedgerResult<PostedEntry>.Ok(new PostedEntry(first.Id, first.AccountId, first.Sequence, first.Type,
            new Money(first.Amount), new Money(first.BalanceAfter), true));
    }

    private static async Task<LedgerResult<ReservationHold>?> ReplayReserveAsync(BillingDbContext db, ReserveRequest r, CancellationToken ct)
    {
        var first = await FindByKeyAsync(db, r.AccountId, r.IdempotencyKey!, ct);
        if (first is null)
            return null;
        var hold = first.ReservationId is { } id ? await db.Reservations.AsNoTracking().SingleAsync(x => x.Id == id, ct) : null;
        if (first.Type != EntryTypes.Reservation || hold is null || !SameReservation(hold, r))
            return Conflict<ReservationHold>(r.IdempotencyKey!);
        return LedgerResult<ReservationHold>.Ok(new ReservationHold(hold.Id, first.Id, new Money(hold.Amount),
            new Money(first.BalanceAfter), hold.ExpiresAt, true));
    }

    /// <summary>A retried reservation is the same request when every field the caller chose matches the first: the
    /// call (key, model, token maxima, tags) and the hold's lifetime; an unpriced hold also its amount. A metered hold's
    /// amount is derived, so a price change between the two does not make a retry another request: it gets the first hold.</summary>
    private static bool SameReservation(Reservation hold, ReserveRequest r)
    {
        var ttl = r.Ttl ?? LedgerValidation.DefaultHoldTtl;
        // An extension moves expires_at, so the lifetime asked for is compared where it is stored.
        if (hold.TtlSeconds is { } asked ? asked != (int)ttl.TotalSeconds : hold.ExpiresAt - hold.CreatedAt != ttl)
            return false;
        if (r.Call is not { } call)
            return hold.ModelId is null && hold.Amount == r.Hold.Units;
        return hold.ApiKeyId == call.ApiKeyId && hold.ModelId == call.ModelId && hold.MaxInputTokens == call.MaxInputTokens
            && hold.MaxOutputTokens == call.MaxOutputTokens && hold.Tags == call.Tags && hold.MaxQuantity == call.MaxQuantity;
    }

    private static Task<LedgerEntry?> FindByKeyAsync(BillingDbContext db, long accountId, string key, CancellationToken ct) =>
        db.LedgerEntries.AsNoTracking().FirstOrDefaultAsync(e => e.AccountId == accountId && e.IdempotencyKey == key, ct);

    private static LedgerResult<T> Conflict<T>(string key) where T : class =>
        LedgerResult<T>.Fail(LedgerError.IdempotencyConflict, $"Idempotency key '{key}' was already used with other parameters.");

    /// <summary>Every attempt's guard failed, yet each time the refusal could not be explained: concurrent writes kept
    /// moving the account or hold on. Nothing was written and nothing was refused for a reason of the caller's: retry.</summary>
    private static LedgerResult<T> Contended<T>() where T : class =>
        LedgerResult<T>.Fail(LedgerError.Contention, "Concurrent writes to the same account kept this write from landing; nothing was written. Try again.");

    private async Task<LedgerFailure?> ExplainKeyRefusalAsync(BillingDbContext db, ReserveRequest r, CancellationToken ct)
    {
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == r.Call!.ApiKeyId && k.AccountId == r.AccountId)
            .Select(k => new { k.RevokedAt, k.MonthlySpendLimit, k.SpendMonth, k.SpendCommitted }).FirstOrDefaultAsync(ct);
        if (key is null)
            return new LedgerFailure(LedgerError.NotFound, "No such API key.");
        if (key.RevokedAt is not null)
            return new LedgerFailure(LedgerError.KeyRevoked, "The API key is revoked.");
        var now = Now();
        var committed = key.SpendMonth is { } m && m.Year == now.Year && m.Month == now.Month ? key.SpendCommitted : 0;
        if (key.MonthlySpendLimit is { } limit && committed + r.Hold.Units > limit)
            return new LedgerFailure(LedgerError.SpendLimitReached,
                $"The key's monthly spend limit of {new Money(limit)} is reached: {new Money(committed)} committed, this call may cost {r.Hold}.");
        return null;
    }

    /// <summary>The account's status refused the write: a closed account takes nothing, a suspended one no new
    /// reservation. Read after the guard failed, so a status changed since then is reported as it is now.</summary>
    private static async Task<LedgerFailure?> ExplainStatusRefusalAsync(BillingDbContext db, long accountId, bool reserving, CancellationToken ct)
    {
        var status = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Status).FirstOrDefaultAsync(ct);
        return status switch
        {
            AccountStatus.Closed => new LedgerFailure(LedgerError.AccountClosed, $"Account {accountId} is closed: it takes no new reservations or entries."),
            AccountStatus.Suspended when reserving => new LedgerFailure(LedgerError.AccountSuspended,
                $"Account {accountId} is suspended: new calls are refused until it is reinstated."),
            _ => null,
        };
    }

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
}
