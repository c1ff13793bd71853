using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Alerts;

/// <summary>A rule as an owner asks for it; <see cref="Threshold"/> is in the kind's unit (see <see cref="AlertKinds"/>).</summary>
public sealed record NewAlertRule(string Kind, long Threshold, long? SubjectId);

/// <summary>Owners' alert rules: create (validated), list, delete; and the alert list every member reads.</summary>
public sealed class AlertRules(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxRulesPerAccount = 50;
    public const long MaxRunwayDays = 3650;
    public const int MaxEventsPage = 200;

    /// <summary>Null when <paramref name="rule"/> is acceptable, else the message of the refusal.</summary>
    public static string? Validate(NewAlertRule rule) => rule.Kind switch
    {
        AlertKinds.BalanceBelow when rule.Threshold <= 0 || rule.Threshold > Money.Max.Units =>
            "threshold must be an amount above 0 and at most 1000000000.",
        AlertKinds.RunwayBelow when rule.Threshold is < 1 or > MaxRunwayDays => $"threshold must be a whole number of days from 1 to {MaxRunwayDays}.",
        AlertKinds.KeyBudget when rule.Threshold is < 1 or > 100 => "threshold must be a percentage of the key's monthly limit from 1 to 100.",
        AlertKinds.KeyBudget when rule.SubjectId is null => "key_id is required for a key_budget alert.",
        AlertKinds.Budget when rule.Threshold is < 1 or > 100 => "threshold must be a percentage of the budget's amount from 1 to 100.",
        AlertKinds.Budget when rule.SubjectId is null => "budget_id is required for a budget alert.",
        AlertKinds.AutoRechargeDeclined or AlertKinds.DisputeOpened when rule.Threshold != 0 => $"{rule.Kind} takes no threshold.",
        AlertKinds.BalanceBelow or AlertKinds.RunwayBelow or AlertKinds.AutoRechargeDeclined or AlertKinds.DisputeOpened when rule.SubjectId is not null =>
            $"{rule.Kind} takes no key_id.",
        _ when !AlertKinds.All.Contains(rule.Kind) => $"kind must be one of {string.Join(", ", AlertKinds.All)}.",
        _ => null,
    };

    /// <summary>Creates the rule (armed); the message of the refusal when it is invalid, its key is not the
    /// account's, or the account has <see cref="MaxRulesPerAccount"/> already.</summary>
    public async Task<(AlertRule? Rule, string? Error)> CreateAsync(long accountId, NewAlertRule rule, string actor, CancellationToken ct = default)
    {
        if (Validate(rule) is { } invalid)
            return (null, invalid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (rule.Kind != AlertKinds.Budget && rule.SubjectId is { } keyId
            && !await db.ApiKeys.AnyAsync(k => k.Id == keyId && k.AccountId == accountId && k.RevokedAt == null, ct))
            return (null, "key_id must be an active API key of this account.");
        if (rule.Kind == AlertKinds.Budget && !await db.Budgets.AnyAsync(b => b.Id == rule.SubjectId && b.AccountId == accountId && b.DeletedAt == null, ct))
            return (null, "budget_id must be a budget of this account.");
        if (await db.AlertRules.CountAsync(r => r.AccountId == accountId, ct) >= MaxRulesPerAccount)
            return (null, $"An account has at most {MaxRulesPerAccount} alert rules.");
        var row = new AlertRule
        {
            AccountId = accountId, Kind = rule.Kind, Threshold = rule.Threshold, SubjectId = rule.SubjectId, CreatedBy = actor,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        // Disputes recorded before the rule existed are history, not news.
        if (rule.Kind == AlertKinds.DisputeOpened)
            row.LastValue = await db.LedgerEntries.Where(e => e.AccountId == accountId && e.Type == EntryTypes.Dispute).MaxAsync(e => (long?)e.Id, ct) ?? 0;
        db.AlertRules.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, null);
    }

    public async Task<IReadOnlyList<AlertRule>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AlertRules.AsNoTracking().Where(r => r.AccountId == accountId).OrderBy(r => r.Id).ToListAsync(ct);
    }

    /// <summary>Deletes the account's rule; its past events stay listed. False when there is no such rule.</summary>
    public async Task<bool> DeleteAsync(long accountId, long ruleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AlertRules.Where(r => r.Id == ruleId && r.AccountId == accountId).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>The account's alert events, newest first, keyset paged by id.</summary>
    public async Task<IReadOnlyList<AlertEvent>> ListEventsAsync(long accountId, int limit, long? before = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxEventsPage);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AlertEvents.AsNoTracking().Where(e => e.AccountId == accountId);
        if (before is { } cursor)
            query = query.Where(e => e.Id < cursor);
        return await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(ct);
    }
}
