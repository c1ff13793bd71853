using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Demo;

/// <summary>The rows the live write path would produce, computed in memory by its rules (see the dialects' batches).</summary>
internal sealed class BulkState
{
    private long _accountId, _balance, _sequence, _nextEntry, _nextReservation, _nextRequest, _nextRollup;
    private DateTime? _lastEntryAt;
    private readonly Dictionary<long, ApiKey> _keys = [];
    public readonly List<LedgerEntry> Entries = [];
    public readonly List<Reservation> Reservations = [];
    public readonly List<RequestRecord> Requests = [];
    public readonly Dictionary<(DateTime, long, long), UsageRollup> Rollups = [];
    public readonly List<UsageRollup> NewRollups = [];
    public readonly Dictionary<long, Reservation> Open = [];
    /// <summary>What this load adds to each (UTC day, type) total of the account.</summary>
    public readonly Dictionary<(DateOnly Day, string Type), (long Entries, long Amount)> DayTotals = [];

    public static async Task<BulkState> LoadAsync(BillingDbContext db, long accountId, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
        if (await db.Reservations.AnyAsync(r => r.AccountId == accountId && r.Status == ReservationStatus.Open, ct))
            throw new InvalidOperationException("Bulk loading needs an account without open holds.");
        var state = new BulkState
        {
            _accountId = accountId, _balance = account.Balance, _sequence = account.LastSequence, _lastEntryAt = account.LastEntryAt,
            _nextEntry = (await db.LedgerEntries.MaxAsync(e => (long?)e.Id, ct) ?? 0) + 1,
            _nextReservation = (await db.Reservations.MaxAsync(e => (long?)e.Id, ct) ?? 0) + 1,
            _nextRequest = (await db.RequestRecords.MaxAsync(e => (long?)e.Id, ct) ?? 0) + 1,
            _nextRollup = (await db.UsageRollups.MaxAsync(e => (long?)e.Id, ct) ?? 0) + 1,
        };
        foreach (var key in await db.ApiKeys.AsNoTracking().Where(k => k.AccountId == accountId).ToListAsync(ct))
            state._keys[key.Id] = key;
        foreach (var rollup in await db.UsageRollups.AsNoTracking().Where(u => u.AccountId == accountId).ToListAsync(ct))
            state.Rollups[(rollup.Day, rollup.ModelId, rollup.ApiKeyId)] = rollup;
        return state;
    }

    public LedgerEntry Append(DateTime at, string type, long amount, string description, Origin origin, string? refId, string? idempotencyKey, long? reservationId)
    {
        _balance += amount;
        at = _lastEntryAt > at ? _lastEntryAt.Value : at; // never before the entry it follows, as the write path does
        _lastEntryAt = at;
        var entry = new LedgerEntry
        {
            Id = _nextEntry++, AccountId = _accountId, Sequence = ++_sequence, Type = type, Amount = amount, BalanceAfter = _balance,
            CreatedAt = at, Description = description, Source = origin.Source, RefId = refId, Actor = origin.Actor,
            IdempotencyKey = idempotencyKey, ReservationId = reservationId,
        };
        Entries.Add(entry);
        var total = DayTotals.GetValueOrDefault((DateOnly.FromDateTime(at), type));
        DayTotals[(DateOnly.FromDateTime(at), type)] = (total.Entries + 1, total.Amount + amount);
        return entry;
    }

    public Reservation Reserve(CallEvent c, ModelPrice price)
    {
        var hold = Math.Max(1, Pricing.Cost(new TokenCounts(c.MaxInput, c.MaxOutput, 0), price));
        var month = new DateTime(c.At.Year, c.At.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var key = _keys[c.KeyId];
        key.SpendCommitted = (key.SpendMonth == month ? key.SpendCommitted : 0) + hold;
        key.SpendMonth = month;
        key.LastUsedAt = c.At;
        var reservation = new Reservation
        {
            Id = _nextReservation++, AccountId = _accountId, Amount = hold, Status = ReservationStatus.Open, CreatedAt = c.At,
            ExpiresAt = c.At + LedgerLimits.DefaultHoldTtl, TtlSeconds = (int)LedgerLimits.DefaultHoldTtl.TotalSeconds, ApiKeyId = c.KeyId, ModelId = c.Model.Model.Id, PriceId = price.Id,
            MaxInputTokens = c.MaxInput, MaxOutputTokens = c.MaxOutput, Tags = c.Tags, SpendMonth = month,
        };
        Reservations.Add(reservation);
        Open[reservation.Id] = reservation;
        Append(c.At, EntryTypes.Reservation, -hold, MeteringTexts.Hold(c.Model.Model, c.MaxInput, c.MaxOutput), MeteringService.Gateway,
            reservation.Id.ToString(), c.IdempotencyKey, reservation.Id);
        return reservation;
    }

    public void Resolve(Reservation hold, DateTime at, string status, string type, string description, Origin origin, CallOutcome outcome, ModelPrice? price)
    {
        var settled = status == ReservationStatus.Settled;
        var cost = settled && outcome.Charge ? Pricing.Cost(outcome.Tokens, price!) : 0;
        var marketCost = settled && outcome.Charge ? Pricing.MarketCost(outcome.Tokens, price!) : 0;
        hold.Status = status;
        hold.ResolvedAt = at;
        hold.Cost = cost;
        Open.Remove(hold.Id);
        var key = _keys[hold.ApiKeyId!.Value];
        if (key.SpendMonth == hold.SpendMonth)
            key.SpendCommitted += cost - hold.Amount;
        var t = outcome.Tokens;
        Requests.Add(new RequestRecord
        {
            Id = _nextRequest++, AccountId = _accountId, ReservationId = hold.Id, ApiKeyId = hold.ApiKeyId, ModelId = hold.ModelId!.Value,
            PriceId = hold.PriceId!.Value, Provider = outcome.Provider, Status = outcome.RequestStatus, ErrorCode = outcome.ErrorCode,
            InputTokens = t.Input, OutputTokens = t.Output, CachedTokens = t.Cached, Cost = cost, MarketCost = marketCost, LatencyMs = outcome.LatencyMs,
            TtfbMs = outcome.TtfbMs, Streaming = outcome.Streaming, ClientIp = outcome.ClientIp, UserAgent = outcome.UserAgent, Tags = hold.Tags,
            StartedAt = hold.CreatedAt, CompletedAt = at,
        });
        if (settled)
        {
            var group = (at.Date, hold.ModelId!.Value, hold.ApiKeyId ?? 0);
            if (!Rollups.TryGetValue(group, out var rollup))
            {
                rollup = new UsageRollup { Id = _nextRollup++, AccountId = _accountId, Day = at.Date, ModelId = group.Item2, ApiKeyId = group.Item3 };
                Rollups[group] = rollup;
                NewRollups.Add(rollup);
            }
            rollup.Calls++;
            rollup.InputTokens += t.Input;
            rollup.OutputTokens += t.Output;
            rollup.CachedTokens += t.Cached;
            rollup.Cost += cost;
            rollup.MarketCost += marketCost;
        }
        Append(at, type, hold.Amount - cost, description, origin, hold.Id.ToString(), null, hold.Id);
    }

    public async Task SaveAsync(BillingDbContext db, ILedgerDialect dialect, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var insert = new BulkInsert(db, dialect);
        await insert.ReservationsAsync(Reservations, ct);
        await insert.EntriesAsync(Entries, ct);
        await insert.RequestsAsync(Requests, ct);
        await insert.RollupsAsync(NewRollups, Rollups.Values.Except(NewRollups).ToList(), ct);
        await insert.DayTotalsAsync(_accountId, DayTotals, ct);
        await db.Accounts.Where(a => a.Id == _accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, _balance).SetProperty(a => a.LastSequence, _sequence)
                .SetProperty(a => a.LastEntryAt, _lastEntryAt), ct);
        foreach (var key in _keys.Values)
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s
                .SetProperty(k => k.SpendMonth, key.SpendMonth).SetProperty(k => k.SpendCommitted, key.SpendCommitted)
                .SetProperty(k => k.LastUsedAt, key.LastUsedAt), ct);
        await insert.AdvanceIdentitiesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
