using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BillingConsole.Accounting.Alerts;

/// <summary>
/// Judges every rule against the account's current figures and records transitions. A transition is one
/// conditional UPDATE of the rule (armed → firing, firing → armed; the row count decides, so concurrent evaluators
/// fire a crossing once), then the alert event and its outbox messages (an email per owner, a webhook per active
/// endpoint), all in one transaction: an alert is never recorded without its notices, nor notices without it.
/// </summary>
public sealed partial class AlertEvaluator(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock, IOptions<AlertOptions> options)
{
    private sealed record AccountFigures(long Id, string Name, long Balance, int AutoRechargeFailures);

    /// <summary>Evaluates the rules of one account, or of every account; returns the transitions recorded.</summary>
    public async Task<int> EvaluateAsync(long? accountId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AlertRules.AsNoTracking();
        if (accountId is { } only)
            query = query.Where(r => r.AccountId == only);
        var rules = await query.OrderBy(r => r.AccountId).ThenBy(r => r.Id).ToListAsync(ct);
        var transitions = 0;
        foreach (var group in rules.GroupBy(r => r.AccountId))
        {
            var account = await db.Accounts.AsNoTracking().Where(a => a.Id == group.Key)
                .Select(a => new AccountFigures(a.Id, a.Name, a.Balance, a.AutoRechargeFailures)).FirstAsync(ct);
            foreach (var rule in group)
                transitions += rule.Kind == AlertKinds.DisputeOpened
                    ? await ReportDisputesAsync(db, rule, account, ct)
                    : await JudgeAsync(db, rule, account, ct);
        }
        return transitions;
    }

    private async Task<int> JudgeAsync(BillingDbContext db, AlertRule rule, AccountFigures account, CancellationToken ct)
    {
        var figure = await FigureAsync(db, rule, account, ct);
        if (rule.State == AlertStates.Armed && AlertDecision.IsCrossed(rule.Kind, rule.Threshold, figure.Value))
            return await TransitionAsync(db, rule, account, AlertTransitions.Fired, figure.Value, figure.Fired, ct) ? 1 : 0;
        if (rule.State == AlertStates.Firing && AlertDecision.IsCleared(rule.Kind, rule.Threshold, figure.Value))
            return await TransitionAsync(db, rule, account, AlertTransitions.Resolved, figure.Value, figure.Resolved, ct) ? 1 : 0;
        return 0;
    }

    private async Task<AlertFigure> FigureAsync(BillingDbContext db, AlertRule rule, AccountFigures account, CancellationToken ct)
    {
        var name = account.Name;
        switch (rule.Kind)
        {
            case AlertKinds.BalanceBelow:
            {
                var balance = new Money(account.Balance);
                var threshold = new Money(rule.Threshold);
                var clear = new Money(AlertDecision.ClearLevel(rule.Kind, rule.Threshold));
                return new AlertFigure(account.Balance,
                    $"The balance of {name} is {balance}, below your alert level of {threshold}.",
                    $"The balance of {name} is back to {balance}, at or above {clear} (your alert level of {threshold} plus 10 %).");
            }
            case AlertKinds.RunwayBelow:
            {
                var days = await RunwayDaysAsync(db, account, ct);
                var clear = AlertDecision.ClearLevel(rule.Kind, rule.Threshold);
                var text = days == long.MaxValue ? "no recent spending" : $"about {days} days";
                return new AlertFigure(days,
                    $"At the last 7 days' rate the balance of {name} lasts {text}, under your alert level of {rule.Threshold} days.",
                    $"At the last 7 days' rate the balance of {name} lasts {text} again, at least {clear} days.");
            }
            case AlertKinds.KeyBudget:
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == rule.SubjectId && k.AccountId == account.Id)
                    .Select(k => new { k.Name, k.MonthlySpendLimit, k.SpendMonth, k.SpendCommitted }).FirstOrDefaultAsync(ct);
                var committed = key?.SpendMonth is { } m && m.Year == now.Year && m.Month == now.Month ? key.SpendCommitted : 0;
                var limit = key?.MonthlySpendLimit ?? 0;
                // Basis points of the limit, exact in 128 bits; no limit (or no key) counts as nothing used.
                var basisPoints = limit <= 0 ? 0 : (long)Int128.Min((Int128)committed * 10_000 / limit, long.MaxValue);
                var keyName = key?.Name ?? $"key {rule.SubjectId}";
                return new AlertFigure(basisPoints,
                    $"The key \"{keyName}\" of {name} has committed {new Money(committed)} this month: {basisPoints / 100} % of its {new Money(limit)} limit (alert at {rule.Threshold} %).",
                    $"The key \"{keyName}\" of {name} is back to {basisPoints / 100} % of its {new Money(limit)} monthly limit, under {Math.Max(0, rule.Threshold - 10)} %.");
            }
            case AlertKinds.Budget:
                return await BudgetFigureAsync(db, rule, account, ct);
            case AlertKinds.AutoRechargeDeclined:
                return new AlertFigure(account.AutoRechargeFailures,
                    $"An auto-recharge of {name} was declined ({account.AutoRechargeFailures} failed in a row).",
                    $"Auto-recharge of {name} succeeded again.");
            default:
                throw new InvalidOperationException($"Unknown alert kind '{rule.Kind}' on rule {rule.Id}.");
        }
    }

    /// <summary>Whole days the balance lasts at the last 7 days' rate (<see cref="RunwayMath"/>), or
    /// <see cref="long.MaxValue"/> when nothing was spent.</summary>
    private async Task<long> RunwayDaysAsync(BillingDbContext db, AccountFigures account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var start = RunwayMath.WindowStart(now);
        var calls = await db.UsageRollups.AsNoTracking().Where(u => u.AccountId == account.Id && u.Day >= start)
            .SumAsync(u => (long?)u.Cost, ct) ?? 0;
        var types = RunwayMath.DebitTypes.ToList();
        var debits = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == account.Id && types.Contains(e.Type) && e.CreatedAt >= start)
            .SumAsync(e => (long?)e.Amount, ct) ?? 0;
        return RunwayMath.Estimate(new Money(account.Balance), new Money(calls - debits), now - start).Days ?? long.MaxValue;
    }

    /// <summary>Disputes are facts, not levels: each new <c>dispute</c> entry fires once. The rule's
    /// <see cref="AlertRule.LastValue"/> is the last entry reported; moving it is the conditional UPDATE.</summary>
    private async Task<int> ReportDisputesAsync(BillingDbContext db, AlertRule rule, AccountFigures account, CancellationToken ct)
    {
        var seen = rule.LastValue ?? 0;
        var disputes = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == account.Id && e.Type == EntryTypes.Dispute && e.Id > seen).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Amount, e.RefId }).ToListAsync(ct);
        if (disputes.Count == 0)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var last = disputes[^1].Id;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.AlertRules.Where(r => r.Id == rule.Id && (r.LastValue ?? 0) == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastValue, last).SetProperty(r => r.LastFiredAt, now), ct);
        if (moved != 1)
            return 0;
        foreach (var d in disputes)
            await RecordAsync(db, rule, account, AlertTransitions.Fired, -d.Amount,
                $"A chargeback of {new Money(-d.Amount)} was recorded on {account.Name} (dispute {d.RefId}).", now, ct);
        await tx.CommitAsync(ct);
        return disputes.Count;
    }

    private async Task<bool> TransitionAsync(BillingDbContext db, AlertRule rule, AccountFigures account, string transition, long value,
        string message, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = transition == AlertTransitions.Fired
            ? await db.AlertRules.Where(r => r.Id == rule.Id && r.State == AlertStates.Armed).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, AlertStates.Firing).SetProperty(r => r.LastFiredAt, now).SetProperty(r => r.LastValue, value), ct)
            : await db.AlertRules.Where(r => r.Id == rule.Id && r.State == AlertStates.Firing).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, AlertStates.Armed).SetProperty(r => r.LastResolvedAt, now).SetProperty(r => r.LastValue, value), ct);
        if (changed != 1)
            return false;
        await RecordAsync(db, rule, account, transition, value, message, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The event and its outbox messages, inside the caller's transaction.</summary>
    private async Task RecordAsync(BillingDbContext db, AlertRule rule, AccountFigures account, string transition, long value,
        string message, DateTime now, CancellationToken ct)
    {
        var alert = new AlertEvent
        {
            AccountId = account.Id, RuleId = rule.Id, Kind = rule.Kind, Transition = transition, Threshold = rule.Threshold,
            SubjectId = rule.SubjectId, Value = value, Message = message, CreatedAt = now,
        };
        db.AlertEvents.Add(alert);
        await db.SaveChangesAsync(ct);
        var payload = new AlertNotice(AlertNotice.TypeOf(transition), now, new AlertNoticeData(alert.Id, rule.Id, account.Id, account.Name,
            rule.Kind, transition, rule.Threshold, rule.SubjectId, value, message, options.Value.AlertsUrl)).ToJson();
        var owners = await db.AccountMembers.AsNoTracking().Where(m => m.AccountId == account.Id && m.Role == AccountRoles.Owner)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).Distinct().ToListAsync(ct);
        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(e => e.AccountId == account.Id && e.DisabledAt == null && e.DeletedAt == null).Select(e => e.Id).ToListAsync(ct);
        foreach (var email in owners)
            db.OutboxMessages.Add(Outbox.Message(account.Id, alert.Id, OutboxChannels.Email, email, AlertNotice.TypeOf(transition), payload, now));
        foreach (var endpoint in endpoints)
            db.OutboxMessages.Add(Outbox.Message(account.Id, alert.Id, OutboxChannels.Webhook, endpoint.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AlertNotice.TypeOf(transition), payload, now));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
