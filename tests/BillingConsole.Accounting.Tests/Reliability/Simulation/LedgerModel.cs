using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Tests.Reliability.Simulation;

/// <summary>What a ledger command should answer: a failure, or the entry's amount and balance after (and whether it
/// replayed an earlier write).</summary>
internal sealed record Outcome(LedgerError? Error, long Amount = 0, long BalanceAfter = 0, bool Replayed = false, long? ReservationId = null)
{
    public static Outcome Fail(LedgerError error) => new(error);

    public override string ToString() => Error is { } e ? e.ToString() : $"ok amount={Amount} after={BalanceAfter} replayed={Replayed} hold={ReservationId}";
}

/// <summary>
/// The ledger's rules in a few lines of plain C#, for the simulation to compare the real write path with: balances,
/// sequences, idempotency keys, the overdraft floor, the ±$1 billion range and the hold life cycle. Each method says
/// what the command should answer and applies it when it writes.
/// </summary>
internal sealed class LedgerModel
{
    public sealed class ModelAccount(long id, long floor)
    {
        public long Id { get; } = id;
        public long Floor { get; } = floor;
        public long Balance { get; set; }
        public long Sequence { get; set; }
        public Dictionary<string, KeyedEntry> Keys { get; } = new(StringComparer.Ordinal);
    }

    public sealed record KeyedEntry(string Type, long Amount, string? RefId, long BalanceAfter, long? ReservationId);

    public sealed class ModelHold(long id, long accountId, long amount, DateTime expiresAt)
    {
        public long Id { get; } = id;
        public long AccountId { get; } = accountId;
        public long Amount { get; } = amount;
        public DateTime ExpiresAt { get; } = expiresAt;
        public string Status { get; set; } = ReservationStatus.Open;
        public long? Cost { get; set; }
        public long ResolvedAmount { get; set; }
        public long ResolvedBalanceAfter { get; set; }
    }

    public Dictionary<long, ModelAccount> Accounts { get; } = [];
    public Dictionary<long, ModelHold> Holds { get; } = [];

    public Outcome Post(long accountId, string type, long amount, string? refId, string? key)
    {
        var a = Accounts[accountId];
        if (key is not null && a.Keys.TryGetValue(key, out var first))
            return first.Type == type && first.Amount == amount && first.RefId == refId
                ? new Outcome(null, first.Amount, first.BalanceAfter, true)
                : Outcome.Fail(LedgerError.IdempotencyConflict);
        if (Refusal(a, amount, EntryTypes.Get(type).EnforcesFloor && amount < 0) is { } refused)
            return refused;
        Append(a, amount);
        if (key is not null)
            a.Keys[key] = new KeyedEntry(type, amount, refId, a.Balance, null);
        return new Outcome(null, amount, a.Balance);
    }

    /// <summary>Checks a hold; when it would write, <paramref name="open"/> opens it with the id the database gave.</summary>
    public Outcome Reserve(long accountId, long hold, string? key, out Action<long, DateTime>? open)
    {
        open = null;
        var a = Accounts[accountId];
        if (key is not null && a.Keys.TryGetValue(key, out var first))
            return first.Type == EntryTypes.Reservation && Holds[first.ReservationId!.Value].Amount == hold
                ? new Outcome(null, hold, first.BalanceAfter, true, first.ReservationId)
                : Outcome.Fail(LedgerError.IdempotencyConflict);
        if (Refusal(a, -hold, enforceFloor: true) is { } refused)
            return refused;
        open = (id, expiresAt) =>
        {
            Append(a, -hold);
            Holds[id] = new ModelHold(id, accountId, hold, expiresAt);
            if (key is not null)
                a.Keys[key] = new KeyedEntry(EntryTypes.Reservation, -hold, id.ToString(), a.Balance, id);
        };
        return new Outcome(null, hold, a.Balance - hold);
    }

    public Outcome Settle(long accountId, long reservationId, long cost)
    {
        if (cost > Money.Max.Units)
            return Outcome.Fail(LedgerError.InvalidRequest);
        if (!Holds.TryGetValue(reservationId, out var h) || h.AccountId != accountId)
            return Outcome.Fail(LedgerError.NotFound);
        if (h.Status == ReservationStatus.Open)
            return Resolve(h, ReservationStatus.Settled, cost);
        if (h.Status == ReservationStatus.Expired)
            return SettleLate(h, cost);
        return h.Status is ReservationStatus.Settled or ReservationStatus.SettledLate && h.Cost == cost
            ? new Outcome(null, h.ResolvedAmount, h.ResolvedBalanceAfter, true)
            : Outcome.Fail(LedgerError.ReservationClosed);
    }

    public Outcome Release(long accountId, long reservationId, string status = ReservationStatus.Released)
    {
        if (!Holds.TryGetValue(reservationId, out var h) || h.AccountId != accountId)
            return Outcome.Fail(LedgerError.NotFound);
        if (h.Status == ReservationStatus.Open)
            return Resolve(h, status, 0);
        return h.Status is ReservationStatus.Released or ReservationStatus.Expired
            ? new Outcome(null, h.ResolvedAmount, h.ResolvedBalanceAfter, true)
            : Outcome.Fail(LedgerError.ReservationClosed);
    }

    /// <summary>What the expiry worker must release at <paramref name="now"/>, oldest expiry first.</summary>
    public int ExpireDue(DateTime now)
    {
        var due = Holds.Values.Where(h => h.Status == ReservationStatus.Open && h.ExpiresAt <= now).OrderBy(h => h.ExpiresAt).ToList();
        foreach (var h in due)
            Resolve(h, ReservationStatus.Expired, 0);
        return due.Count;
    }

    public long Held(long accountId) =>
        Holds.Values.Where(h => h.AccountId == accountId && h.Status == ReservationStatus.Open).Sum(h => h.Amount);

    /// <summary>A settle after the expiry released the hold: the call is charged in full by one late entry; a call that
    /// costs nothing writes nothing (the expiry already recorded it).</summary>
    private Outcome SettleLate(ModelHold h, long cost)
    {
        var a = Accounts[h.AccountId];
        if (cost == 0)
            return new Outcome(null, 0, a.Balance);
        Append(a, -cost);
        h.Status = ReservationStatus.SettledLate;
        h.Cost = cost;
        h.ResolvedAmount = -cost;
        h.ResolvedBalanceAfter = a.Balance;
        return new Outcome(null, h.ResolvedAmount, a.Balance);
    }

    private Outcome Resolve(ModelHold h, string status, long cost)
    {
        var a = Accounts[h.AccountId];
        Append(a, h.Amount - cost);
        h.Status = status;
        h.Cost = cost;
        h.ResolvedAmount = h.Amount - cost;
        h.ResolvedBalanceAfter = a.Balance;
        return new Outcome(null, h.ResolvedAmount, a.Balance);
    }

    private static Outcome? Refusal(ModelAccount a, long amount, bool enforceFloor)
    {
        var after = a.Balance + amount;
        if (after > Money.Max.Units || after < -Money.Max.Units)
            return Outcome.Fail(LedgerError.BalanceLimit);
        return enforceFloor && after < a.Floor ? Outcome.Fail(LedgerError.InsufficientCredits) : null;
    }

    private static void Append(ModelAccount a, long amount)
    {
        a.Balance += amount;
        a.Sequence++;
    }
}
