using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Reliability.Simulation;

/// <summary>
/// One seeded simulation: a random but reproducible sequence of ledger commands against the real write path, with a
/// fake clock, and the same commands against <see cref="LedgerModel"/>. After every step the answers and the stored
/// state (balance, sequence, entry count and sum, open holds) must equal the model's. Faults it plays: dropped
/// responses (the answer is thrown away and the command retried with the same key), Stripe webhooks delivered twice and
/// out of order, holds that expire while the clock jumps, settles arriving after expiry, and invalid input.
/// </summary>
internal sealed class SimulationRun(LedgerDatabase database, int seed, int steps)
{
    public static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Origin Sim = new(EntrySources.Admin, "simulation");

    private readonly Random _random = new(seed);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly LedgerModel _model = new();
    private readonly List<string> _trace = [];
    private LedgerWriter _ledger = null!;
    private long[] _ids = [];
    private int _step;

    public int Operations { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        _ledger = database.Writer(_clock);
        _ids = [await database.CreateAccountAsync(null, $"sim {seed} a"), await database.CreateAccountAsync(-Money.FromDollars(5), $"sim {seed} b")];
        _model.Accounts[_ids[0]] = new LedgerModel.ModelAccount(_ids[0], 0);
        _model.Accounts[_ids[1]] = new LedgerModel.ModelAccount(_ids[1], -Money.FromDollars(5).Units);
        try
        {
            for (_step = 0; _step < steps; _step++)
            {
                await StepAsync(ct);
                await CompareStateAsync(ct);
            }
            // Let every hold expire, so the database is left as the next seed expects it: nothing open.
            _clock.Advance(TimeSpan.FromDays(2));
            await ExpireAsync(ct);
            await CompareStateAsync(ct);
            await CompareHoldsAsync(ct);
            var run = await new InvariantChecker(database.Factory, _clock).RunAsync(InvariantCheckMode.Full, _ids, ct);
            Check(run.ViolationCount == 0, "invariant violations: " + string.Join("; ", run.Violations.Select(v => $"{v.Kind}: {v.Detail}")));
        }
        catch (Exception e) when (e is not SimulationFailure)
        {
            throw Failure($"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task StepAsync(CancellationToken ct)
    {
        var account = _ids[_random.Next(_ids.Length)];
        var roll = _random.Next(100);
        // A dropped response: the command ran but its caller never heard; it retries with the same key.
        var dropped = _random.Next(100) < 20;
        if (roll < 15)
            await WebhookAsync(account, dropped, ct);
        else if (roll < 40)
            await ReserveAsync(account, dropped, ct);
        else if (roll < 58)
            await SettleAsync(account, dropped, ct);
        else if (roll < 66)
            await ReleaseAsync(account, dropped, ct);
        else if (roll < 74)
            await DebitAsync(account, dropped, ct);
        else if (roll < 79)
        {
            var amount = (_random.Next(2) == 0 ? -1 : 1) * Amount();
            Expect($"correction {amount}", _model.Post(account, EntryTypes.AdminCorrection, amount, null, null),
                await PostAsync(account, EntryTypes.AdminCorrection, amount, null, null, ct));
        }
        else if (roll < 88)
        {
            _clock.Advance(TimeSpan.FromSeconds(_random.Next(1, 1200)));
            await ExpireAsync(ct);
        }
        else
            await InvalidAsync(account, ct);
    }

    /// <summary>Mostly cents, sometimes odd nano-dollar amounts, now and then the $1 billion boundary.</summary>
    private long Amount() => _random.Next(20) switch
    {
        0 => Money.Max.Units,
        1 => _random.NextInt64(1, 1_000_000_000),
        _ => Money.FromCents(_random.Next(1, 2_000)).Units,
    };

    // A Stripe checkout's top-up and fee, each delivered any number of times and in either order; the key is derived
    // from the session, so only the first delivery of each may write.
    private async Task WebhookAsync(long account, bool dropped, CancellationToken ct)
    {
        var session = $"cs_sim_{seed}_{_random.Next(4)}";
        var paid = Money.FromCents(500 + session[^1] * 37).Units;
        var fee = _random.Next(2) == 0;
        var (type, amount, key) = fee
            ? (EntryTypes.PlatformFee, -paid / 20, PaymentKeys.Fee(TestProvider.Stripe, session))
            : (EntryTypes.Topup, paid, PaymentKeys.Topup(TestProvider.Stripe, session));
        for (var i = 0; i < (dropped ? 2 : 1); i++)
            Expect($"webhook {key}", _model.Post(account, type, amount, session, key), await PostAsync(account, type, amount, session, key, ct));
    }

    private async Task DebitAsync(long account, bool dropped, CancellationToken ct)
    {
        var key = ReusedOrNewKey(account, "debit");
        var amount = -Amount();
        for (var i = 0; i < (dropped ? 2 : 1); i++)
            Expect($"debit {key}", _model.Post(account, EntryTypes.UsageDebit, amount, null, key), await PostAsync(account, EntryTypes.UsageDebit, amount, null, key, ct));
    }

    private async Task ReserveAsync(long account, bool dropped, CancellationToken ct)
    {
        var key = _random.Next(10) == 0 ? null : ReusedOrNewKey(account, "hold");
        var hold = _random.Next(10) == 0 ? Amount() : Money.FromCents(_random.Next(1, 300)).Units;
        // Whole seconds plus the step in milliseconds: no two holds expire at the same instant, so the expiry order is fixed.
        var ttl = TimeSpan.FromSeconds(_random.Next(1, 1800)) + TimeSpan.FromMilliseconds(_step % 1000);
        for (var i = 0; i < (dropped && key is not null ? 2 : 1); i++)
        {
            var expected = _model.Reserve(account, hold, key, out var open);
            var result = await _ledger.ReserveAsync(new ReserveRequest(account, new Money(hold), "Simulated hold", Sim, key, ttl), ct);
            var actual = result.Value is { } v ? new Outcome(null, v.Held.Units, v.BalanceAfter.Units, v.Replayed, v.ReservationId) : Outcome.Fail(result.Failure!.Error);
            if (open is not null && result.Value is { } opened)
            {
                open(opened.ReservationId, opened.ExpiresAt);
                expected = expected with { ReservationId = opened.ReservationId };
            }
            Expect($"reserve {key} {hold} ttl {ttl}", expected, actual);
        }
    }

    private async Task SettleAsync(long account, bool dropped, CancellationToken ct)
    {
        var (owner, id, held) = AnyHold(account);
        // Below, at or above the hold; sometimes a different cost on the retry.
        var cost = held * _random.Next(0, 160) / 100;
        for (var i = 0; i < (dropped ? 2 : 1); i++)
        {
            if (i == 1 && _random.Next(4) == 0)
                cost++;
            var result = await _ledger.SettleAsync(new SettleRequest(owner, id, new Money(cost), "Simulated settle", Sim), ct);
            Expect($"settle {id} by {owner} cost {cost}", _model.Settle(owner, id, cost), Resolution(result));
        }
    }

    private async Task ReleaseAsync(long account, bool dropped, CancellationToken ct)
    {
        var (owner, id, _) = AnyHold(account);
        for (var i = 0; i < (dropped ? 2 : 1); i++)
        {
            var result = await _ledger.ReleaseAsync(new ReleaseRequest(owner, id, "Simulated release", Sim), ct);
            Expect($"release {id} by {owner}", _model.Release(owner, id), Resolution(result));
        }
    }

    private async Task ExpireAsync(CancellationToken ct)
    {
        var expected = _model.ExpireDue(_clock.GetUtcNow().UtcDateTime);
        var released = await _ledger.ReleaseExpiredAsync(ct: ct);
        _trace.Add($"{_step}: expire at {_clock.GetUtcNow():O}: expected {expected}, released {released}");
        Check(released == expected, $"the expiry worker released {released} holds, the model {expected}");
    }

    private async Task InvalidAsync(long account, CancellationToken ct)
    {
        var result = _random.Next(6) switch
        {
            0 => (await _ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, Money.Zero, "Zero", Sim), ct)).Failure,
            1 => (await _ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, new Money(-5), "Negative top-up", Sim), ct)).Failure,
            2 => (await _ledger.PostAsync(new PostRequest(account, EntryTypes.Settlement, new Money(5), "Hold type", Sim), ct)).Failure,
            3 => (await _ledger.ReserveAsync(new ReserveRequest(account, Money.Zero, "Zero hold", Sim), ct)).Failure,
            4 => (await _ledger.PostAsync(new PostRequest(account, EntryTypes.Topup, new Money(5), "Long key", Sim, null, new string('k', 201)), ct)).Failure,
            _ => (await _ledger.SettleAsync(new SettleRequest(account, 1, new Money(-1), "Negative cost", Sim), ct)).Failure,
        };
        _trace.Add($"{_step}: invalid input -> {result?.Error}");
        Check(result?.Error == LedgerError.InvalidRequest, $"invalid input answered {result?.Error.ToString() ?? "success"}");
    }

    /// <summary>A hold of this account (sometimes asked for by the other account, or one that does not exist).</summary>
    private (long Owner, long Id, long Held) AnyHold(long account)
    {
        var mine = _model.Holds.Values.Where(h => h.AccountId == account).ToList();
        if (mine.Count == 0 || _random.Next(20) == 0)
            return (account, long.MaxValue - _random.Next(1000), 100);
        var h = mine[_random.Next(mine.Count)];
        return (_random.Next(15) == 0 ? _ids.First(i => i != account) : account, h.Id, h.Amount);
    }

    private string ReusedOrNewKey(long account, string kind)
    {
        var used = _model.Accounts[account].Keys.Keys.ToList();
        return used.Count > 0 && _random.Next(4) == 0 ? used[_random.Next(used.Count)] : $"{kind}-{seed}-{_step}";
    }

    private async Task<Outcome> PostAsync(long account, string type, long amount, string? refId, string? key, CancellationToken ct)
    {
        var result = await _ledger.PostAsync(new PostRequest(account, type, new Money(amount), $"Simulated {type}", Sim, refId, key), ct);
        return result.Value is { } v ? new Outcome(null, v.Amount.Units, v.BalanceAfter.Units, v.Replayed) : Outcome.Fail(result.Failure!.Error);
    }

    private static Outcome Resolution(LedgerResult<HoldResolution> result) =>
        result.Value is { } v ? new Outcome(null, v.Amount.Units, v.BalanceAfter.Units, v.Replayed) : Outcome.Fail(result.Failure!.Error);

    private void Expect(string what, Outcome expected, Outcome actual)
    {
        Operations++;
        _trace.Add($"{_step}: {what} -> {actual}");
        Check(expected == actual, $"{what}: expected {expected}, got {actual}");
    }

    private async Task CompareStateAsync(CancellationToken ct)
    {
        await using var db = await database.Factory.CreateDbContextAsync(ct);
        var rows = await db.Accounts.AsNoTracking().Where(a => _ids.Contains(a.Id)).Select(a => new
        {
            a.Id, a.Balance, a.LastSequence,
            Entries = db.LedgerEntries.Count(e => e.AccountId == a.Id),
            Sum = db.LedgerEntries.Where(e => e.AccountId == a.Id).Sum(e => (long?)e.Amount) ?? 0,
            Held = db.Reservations.Where(r => r.AccountId == a.Id && r.Status == ReservationStatus.Open).Sum(r => (long?)r.Amount) ?? 0,
        }).ToListAsync(ct);
        foreach (var row in rows)
        {
            var m = _model.Accounts[row.Id];
            var held = _model.Held(row.Id);
            Check(row.Balance == m.Balance && row.Sum == m.Balance && row.LastSequence == m.Sequence && row.Entries == m.Sequence && row.Held == held,
                $"account {row.Id}: stored balance {row.Balance}, sum {row.Sum}, sequence {row.LastSequence}, entries {row.Entries}, held {row.Held}; " +
                $"model balance {m.Balance}, sequence {m.Sequence}, held {held}");
        }
    }

    private async Task CompareHoldsAsync(CancellationToken ct)
    {
        await using var db = await database.Factory.CreateDbContextAsync(ct);
        var stored = await db.Reservations.AsNoTracking().Where(r => _ids.Contains(r.AccountId)).ToDictionaryAsync(r => r.Id, r => r.Status, ct);
        Check(stored.Count == _model.Holds.Count, $"{stored.Count} holds stored, {_model.Holds.Count} in the model");
        foreach (var h in _model.Holds.Values)
            Check(stored.GetValueOrDefault(h.Id) == h.Status, $"hold {h.Id}: stored {stored.GetValueOrDefault(h.Id)}, model {h.Status}");
    }

    private void Check(bool condition, string message)
    {
        if (!condition)
            throw Failure(message);
    }

    private SimulationFailure Failure(string message) =>
        new($"simulation seed {seed} failed at step {_step} on {database.ProviderName}: {message}\n" +
            $"reproduce: BILLING_SIM_SEED={seed} ./test.sh --filter \"FullyQualifiedName~SimulationTests\"\n" +
            "last steps:\n  " + string.Join("\n  ", _trace.TakeLast(15)));
}

internal sealed class SimulationFailure(string message) : Exception(message);
