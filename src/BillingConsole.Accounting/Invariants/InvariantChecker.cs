using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>
/// Proves the ledger rules on the data as stored: per account, the entries form a gap-free sequence whose Balance After
/// chain starts at zero and ends at the account's balance (so balance == sum of entries), every amount has its type's
/// sign, every reservation has exactly one reservation entry and, once closed, exactly one settlement or release, and
/// the tables derived from the ledger (day totals, usage rollups, request costs, key spend counters) agree with it.
/// Full mode walks every entry; incremental mode starts each account at its last verified checkpoint and skips accounts
/// that did not change. Each run is recorded with its violations.
/// </summary>
public sealed partial class InvariantChecker(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>An open hold this long past its expiry counts as leaked: the expiry worker should have released it.</summary>
    public static readonly TimeSpan LeakGrace = TimeSpan.FromMinutes(10);

    private const int MaxRecordedViolations = 1000;

    public async Task<InvariantRun> RunAsync(InvariantCheckMode mode, IReadOnlyCollection<long>? accountIds = null, CancellationToken ct = default)
    {
        var run = new InvariantRun { Mode = mode, StartedAt = clock.GetUtcNow().UtcDateTime };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Every read of the run sees one committed state, so the ledger and the tables derived from it (written in
        // the same transaction) always agree unless something is really damaged.
        var verified = await ConsistentRead.ReadAsync(db, () => CheckAsync(db, run, mode, accountIds, ct), ct);

        run.FinishedAt = clock.GetUtcNow().UtcDateTime;
        run.ViolationCount = run.Violations.Count;
        if (run.Violations.Count > MaxRecordedViolations)
            run.Violations.RemoveRange(MaxRecordedViolations, run.Violations.Count - MaxRecordedViolations);
        db.InvariantRuns.Add(run);
        await db.SaveChangesAsync(ct);
        await AdvanceCheckpointsAsync(verified, run.FinishedAt, ct);
        Diagnostics.LedgerMetrics.CheckerRan(mode, run.ViolationCount);
        return run;
    }

    /// <summary>Checks the accounts (all, or <paramref name="accountIds"/>) and returns the checkpoints of those found
    /// clean. Runs inside the run's snapshot.</summary>
    private async Task<List<InvariantCheckpoint>> CheckAsync(BillingDbContext db, InvariantRun run, InvariantCheckMode mode,
        IReadOnlyCollection<long>? accountIds, CancellationToken ct)
    {
        var accountQuery = db.Accounts.AsNoTracking();
        if (accountIds is not null)
            accountQuery = accountQuery.Where(a => accountIds.Contains(a.Id));
        var accounts = await accountQuery.Select(a => new { a.Id, a.Balance, a.LastSequence }).ToListAsync(ct);
        var checkpoints = await db.InvariantCheckpoints.AsNoTracking().ToDictionaryAsync(c => c.AccountId, ct);

        var verified = new List<InvariantCheckpoint>();
        var changed = new List<long>();
        // Incrementally, the derived tables are compared from the first day any changed account has a new entry on.
        DateOnly? derivedSince = null;
        foreach (var account in accounts)
        {
            // The cursor is the account's own gap-free sequence, assigned under its row lock, so its entries commit in
            // sequence order: nothing committed late can fall behind it (ids from a PostgreSQL sequence could).
            var start = mode == InvariantCheckMode.Incremental && checkpoints.TryGetValue(account.Id, out var cp)
                ? (cp.Sequence, cp.BalanceAfter)
                : (0L, 0L);
            if (mode == InvariantCheckMode.Incremental && start.Item1 == account.LastSequence && start.Item2 == account.Balance)
                continue;
            changed.Add(account.Id);
            run.AccountsChecked++;
            var before = run.Violations.Count;
            // A full run tallies the day totals from the entries it walks anyway; an incremental one re-reads the days
            // its new entries fall on.
            var tally = mode == InvariantCheckMode.Full ? new DayTally(null) : null;
            var (walked, firstDay) = await CheckChainAsync(db, run, account.Id, account.Balance, account.LastSequence, start, tally, ct);
            run.EntriesChecked += walked;
            if (mode == InvariantCheckMode.Full)
                await CheckSumAsync(db, run, account.Id, account.Balance, account.LastSequence, ct);
            if (tally is null && firstDay is { } day)
            {
                tally = await TallyDaysAsync(db, account.Id, day, account.LastSequence, ct);
                derivedSince = derivedSince is { } earliest && earliest < day ? earliest : day;
            }
            if (tally is not null)
                await CheckDayTotalsAsync(db, run, account.Id, tally, ct);
            if (run.Violations.Count == before)
                verified.Add(new InvariantCheckpoint { AccountId = account.Id, Sequence = account.LastSequence, BalanceAfter = account.Balance });
        }

        await CheckHoldsAsync(db, run, changed, mode == InvariantCheckMode.Incremental, ct);
        await CheckDerivedAsync(db, run, changed, mode == InvariantCheckMode.Full ? null : derivedSince, ct);
        return verified;
    }

    /// <summary>Moves each verified account's checkpoint forward. Runs may overlap (the worker's and one started from the
    /// console), so a checkpoint never moves back, and one that another run inserted meanwhile is taken as the current
    /// one on the next attempt.</summary>
    private async Task AdvanceCheckpointsAsync(List<InvariantCheckpoint> verified, DateTime checkedAt, CancellationToken ct)
    {
        if (verified.Count == 0)
            return;
        var ids = verified.Select(c => c.AccountId).ToList();
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var stored = await db.InvariantCheckpoints.Where(c => ids.Contains(c.AccountId)).ToDictionaryAsync(c => c.AccountId, ct);
            foreach (var cp in verified)
            {
                if (!stored.TryGetValue(cp.AccountId, out var current))
                    db.InvariantCheckpoints.Add(new InvariantCheckpoint { AccountId = cp.AccountId, Sequence = cp.Sequence, BalanceAfter = cp.BalanceAfter, CheckedAt = checkedAt });
                else if (current.Sequence < cp.Sequence)
                    (current.Sequence, current.BalanceAfter, current.CheckedAt) = (cp.Sequence, cp.BalanceAfter, checkedAt);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another run inserted one of these checkpoints first: read it and try again.
            }
        }
    }

    /// <summary>Walks the chain from <paramref name="start"/>; returns the entries walked and the UTC day of the first.</summary>
    private static async Task<(long Walked, DateOnly? FirstDay)> CheckChainAsync(BillingDbContext db, InvariantRun run, long accountId,
        long balance, long lastSequence, (long Sequence, long BalanceAfter) start, DayTally? tally, CancellationToken ct)
    {
        DateOnly? firstDay = null;
        var (sequence, balanceAfter) = start;
        DateTime? previousAt = null;
        long count = 0;
        var entries = db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.Sequence > start.Sequence && e.Sequence <= lastSequence)
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Id, e.Sequence, e.Type, e.Amount, e.BalanceAfter, e.CreatedAt })
            .AsAsyncEnumerable();
        await foreach (var e in entries.WithCancellation(ct))
        {
            count++;
            firstDay ??= DateOnly.FromDateTime(e.CreatedAt);
            tally?.Add(e.CreatedAt, e.Type, e.Amount);
            if (e.Sequence != sequence + 1)
                Add(run, accountId, "sequence_gap", $"Entry {e.Id} has sequence {e.Sequence}; expected {sequence + 1}.");
            if (e.BalanceAfter != balanceAfter + e.Amount)
                Add(run, accountId, "chain_break",
                    $"Entry {e.Id} (sequence {e.Sequence}): balance after {e.BalanceAfter} != previous {balanceAfter} + amount {e.Amount}.");
            if (!SignHolds(e.Type, e.Amount))
                Add(run, accountId, "sign_rule", $"Entry {e.Id} of type '{e.Type}' has amount {e.Amount}.");
            if (e.CreatedAt < previousAt)
                Add(run, accountId, "time_order", $"Entry {e.Id} (sequence {e.Sequence}) is dated {e.CreatedAt:O}, before the entry it follows ({previousAt:O}).");
            sequence = e.Sequence;
            balanceAfter = e.BalanceAfter;
            previousAt = e.CreatedAt;
        }
        if (sequence != lastSequence)
            Add(run, accountId, "sequence_gap", $"The account's last sequence is {lastSequence} but its entries end at {sequence}.");
        if (balanceAfter != balance)
            Add(run, accountId, "balance_mismatch", $"The account's balance is {balance} but its entries end at {balanceAfter}.");
        return (count, firstDay);
    }

    /// <summary>Rule 1 computed independently of the stored Balance After values.</summary>
    private static async Task CheckSumAsync(BillingDbContext db, InvariantRun run, long accountId, long balance, long lastSequence, CancellationToken ct)
    {
        var sum = await db.LedgerEntries.Where(e => e.AccountId == accountId && e.Sequence <= lastSequence).SumAsync(e => e.Amount, ct);
        if (sum != balance)
            Add(run, accountId, "balance_mismatch", $"The account's balance is {balance} but its entries sum to {sum}.");
    }

    private static bool SignHolds(string type, long amount) =>
        !EntryTypes.TryGet(type, out var rule) ? false : rule.Sign switch
        {
            AmountSign.Positive => amount > 0,
            AmountSign.Negative => amount < 0,
            // A settlement is zero when the call cost exactly what was held.
            _ => type == EntryTypes.Settlement || amount != 0,
        };

    private static void Add(InvariantRun run, long accountId, string kind, string detail) =>
        run.Violations.Add(new InvariantViolation { AccountId = accountId, Kind = kind, Detail = detail });
}
