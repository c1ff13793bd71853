using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

public sealed record AutoRechargeSettings(bool Enabled, Money? Threshold, Money? Amount, Money? MonthlyCap, string? PaymentMethodId,
    string? LastFailure, bool InFlight, SavedCard? Card = null, int ConsecutiveFailures = 0, AutoRechargeAttempt? LastAttempt = null);

/// <summary>The latest auto-recharge attempt: when it started, what it charged and how it ended
/// (<see cref="AutoRechargeOutcomes"/>), with the reason when it failed.</summary>
public sealed record AutoRechargeAttempt(DateTime At, Money Amount, string Outcome, string? Reason);

public static class AutoRechargeOutcomes
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>What a customer sets. <see cref="Amount"/> is whole cents (the provider charges cents), at least $1.</summary>
public sealed record AutoRechargeChange(bool Enabled, Money Threshold, Money Amount, Money? MonthlyCap);

/// <summary>An account auto-recharge should charge now: a new attempt, or the unconfirmed attempt <see cref="Sequence"/>
/// sent again (same idempotency key, so the provider answers with the first charge instead of charging twice).</summary>
public sealed record DueRecharge(long AccountId, long Sequence, bool Retry, Money Amount, Money Balance, Money Threshold, Money? MonthlyCap,
    string? CustomerId, string? PaymentMethodId, DateTime? PendingAt);

/// <summary>
/// The payment settings on an account: the provider's customer, the saved card and auto-recharge. None of them moves
/// money; the recharge sequence and the in-flight marker exist so a crash or a second worker cannot charge twice.
/// </summary>
public sealed class PaymentAccounts(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public async Task<(string Name, string? Email, string? CustomerId)?> GetCustomerAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId)
            .Select(x => new { x.Name, x.Email, x.PaymentCustomerId }).FirstOrDefaultAsync(ct);
        return a is null ? null : (a.Name, a.Email, a.PaymentCustomerId);
    }

    /// <summary>Stores the provider's customer unless the account already has one; returns the one the account has now.</summary>
    public async Task<string?> SetCustomerIfEmptyAsync(long accountId, string customerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId && a.PaymentCustomerId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PaymentCustomerId, customerId), ct);
        return await db.Accounts.Where(a => a.Id == accountId).Select(a => a.PaymentCustomerId).FirstOrDefaultAsync(ct);
    }

    /// <summary>Stores the card auto-recharge charges. With <paramref name="replace"/> false it is stored only when the
    /// account has none (a purchase paid with another card does not move auto-recharge to it).</summary>
    public async Task<bool> SaveCardAsync(long accountId, SavedCard card, bool replace = true, CancellationToken ct = default)
    {
        var brand = card.Brand.Length > 32 ? card.Brand[..32] : card.Brand;
        var last4 = card.Last4.Length > 4 ? card.Last4[^4..] : card.Last4;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.Where(a => a.Id == accountId && (replace || a.SavedCardId == null))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SavedCardId, card.Id)
                .SetProperty(a => a.PaymentMethodBrand, brand)
                .SetProperty(a => a.PaymentMethodLast4, last4), ct) == 1;
    }

    /// <summary>Forgets the saved card and turns auto-recharge off (it has nothing to charge). Returns the card that was
    /// removed, so the provider can be told to forget it too; null when there was none.</summary>
    public async Task<string?> RemoveCardAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var card = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.SavedCardId).FirstOrDefaultAsync(ct);
        if (card is null)
            return null;
        var removed = await db.Accounts.Where(a => a.Id == accountId && a.SavedCardId == card)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SavedCardId, (string?)null)
                .SetProperty(a => a.PaymentMethodBrand, (string?)null)
                .SetProperty(a => a.PaymentMethodLast4, (string?)null)
                .SetProperty(a => a.AutoRechargeEnabled, false), ct);
        return removed == 1 ? card : null;
    }

    public async Task<AutoRechargeSettings?> GetAutoRechargeAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId).FirstOrDefaultAsync(ct);
        if (a is null)
            return null;
        var card = a.SavedCardId is null ? null : new SavedCard(a.SavedCardId, a.PaymentMethodBrand ?? "card", a.PaymentMethodLast4 ?? "");
        var last = a.AutoRechargeLastAttemptAt is { } at
            ? new AutoRechargeAttempt(at, new Money(a.AutoRechargeLastAttemptAmount ?? 0), a.AutoRechargeLastOutcome ?? AutoRechargeOutcomes.Pending,
                a.AutoRechargeLastOutcome == AutoRechargeOutcomes.Failed ? a.AutoRechargeFailure : null)
            : null;
        return new AutoRechargeSettings(a.AutoRechargeEnabled, Units(a.AutoRechargeThreshold), Units(a.AutoRechargeAmount),
            Units(a.AutoRechargeMonthlyCap), a.SavedCardId, a.AutoRechargeFailure, a.AutoRechargePendingAt is not null, card,
            a.AutoRechargeFailures, last);
    }

    public const string NoCard = "Save a card first: auto-recharge charges the saved card.";

    /// <summary>Validates and stores the settings; turning auto-recharge on clears the last failure and the failure count.
    /// Null on success, else why the settings were refused (nothing is stored then). With <paramref name="requireCard"/>,
    /// turning it on needs a saved card, checked in the same statement that stores the settings.</summary>
    public async Task<string?> SetAutoRechargeAsync(long accountId, AutoRechargeChange c, CancellationToken ct = default, bool requireCard = false)
    {
        if (c.Threshold.Units <= 0 || c.Threshold > Money.Max)
            return "The threshold is a positive amount.";
        if (c.Amount < Money.FromDollars(1) || c.Amount > Money.FromDollars(100_000) || c.Amount.Units % Money.FromCents(1).Units != 0)
            return "The recharge amount is whole cents from $1.00 to $100,000.00.";
        if (c.MonthlyCap is { } cap && cap < c.Amount)
            return "The monthly cap must allow at least one recharge.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enabled = c.Enabled;
        var needsCard = requireCard && enabled;
        var changed = await db.Accounts.Where(a => a.Id == accountId && (!needsCard || a.SavedCardId != null)).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AutoRechargeEnabled, enabled)
            .SetProperty(a => a.AutoRechargeThreshold, c.Threshold.Units)
            .SetProperty(a => a.AutoRechargeAmount, c.Amount.Units)
            .SetProperty(a => a.AutoRechargeMonthlyCap, c.MonthlyCap == null ? null : c.MonthlyCap.Value.Units)
            .SetProperty(a => a.AutoRechargeFailure, a => enabled ? null : a.AutoRechargeFailure)
            .SetProperty(a => a.AutoRechargeFailures, a => enabled ? 0 : a.AutoRechargeFailures), ct);
        if (changed == 1)
            return null;
        return needsCard && await db.Accounts.AnyAsync(a => a.Id == accountId, ct) ? NoCard : "No such account.";
    }

    /// <summary>Accounts below their threshold with auto-recharge on and nothing in flight, plus attempts in flight for
    /// longer than <paramref name="retryAfter"/> (and less than a day: providers keep idempotency keys for about 24 hours).</summary>
    /// After a failed attempt the next one waits <paramref name="failureBackoff"/>, so a declined card is not charged every tick.</summary>
    public async Task<IReadOnlyList<DueRecharge>> DueAsync(TimeSpan retryAfter, bool needsCard, int max = 100, CancellationToken ct = default,
        TimeSpan failureBackoff = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var retryBefore = now - retryAfter;
        var failedBefore = now - failureBackoff;
        var giveUpBefore = now - StaleAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Accounts.AsNoTracking()
            .Where(a => a.AutoRechargeAmount != null && a.AutoRechargeThreshold != null
                && ((a.AutoRechargeEnabled && a.AutoRechargePendingAt == null && a.Balance < a.AutoRechargeThreshold
                        && (a.AutoRechargeFailures == 0 || a.AutoRechargeLastAttemptAt == null || a.AutoRechargeLastAttemptAt < failedBefore)
                        && (!needsCard || (a.SavedCardId != null && a.PaymentCustomerId != null)))
                    || (a.AutoRechargePendingAt != null && a.AutoRechargePendingAt < retryBefore)))
            .OrderBy(a => a.Id).Take(max)
            .Select(a => new
            {
                a.Id, a.AutoRechargeSequence, a.AutoRechargePendingAt, a.AutoRechargeAmount, a.Balance, a.AutoRechargeThreshold,
                a.AutoRechargeMonthlyCap, a.PaymentCustomerId, a.SavedCardId,
            })
            .ToListAsync(ct);
        return rows.Select(a => new DueRecharge(a.Id, a.AutoRechargeSequence, a.AutoRechargePendingAt is not null, new Money(a.AutoRechargeAmount!.Value),
            new Money(a.Balance), new Money(a.AutoRechargeThreshold!.Value), Units(a.AutoRechargeMonthlyCap), a.PaymentCustomerId,
            a.SavedCardId, a.AutoRechargePendingAt)).ToList();
    }

    /// <summary>An attempt unconfirmed for this long is given up: its idempotency key may have expired at the provider.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(23);

    /// <summary>What auto-recharge credited this calendar month (UTC), read from the ledger's day totals (a busy
    /// account's month holds millions of entries; its auto-recharge totals are a row a day at most).</summary>
    public async Task<Money> RechargedThisMonthAsync(long accountId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var monthStart = new DateOnly(now.Year, now.Month, 1);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sum = await db.LedgerDayTotals.Where(t => t.AccountId == accountId && t.Type == EntryTypes.AutoRecharge && t.Day >= monthStart)
            .SumAsync(t => (long?)t.Amount, ct);
        return new Money(sum ?? 0);
    }

    /// <summary>Starts attempt <paramref name="seenSequence"/> + 1 if the account is still as the caller saw it: on,
    /// nothing in flight. The row count decides, so of two workers exactly one gets the attempt.</summary>
    public async Task<long?> ClaimAsync(long accountId, long seenSequence, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Accounts
            .Where(a => a.Id == accountId && a.AutoRechargeEnabled && a.AutoRechargePendingAt == null && a.AutoRechargeSequence == seenSequence)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargeSequence, a => a.AutoRechargeSequence + 1)
                .SetProperty(a => a.AutoRechargePendingAt, now)
                .SetProperty(a => a.AutoRechargeLastAttemptAt, now)
                .SetProperty(a => a.AutoRechargeLastAttemptAmount, a => a.AutoRechargeAmount)
                .SetProperty(a => a.AutoRechargeLastOutcome, AutoRechargeOutcomes.Pending), ct);
        return claimed == 1 ? seenSequence + 1 : null;
    }

    /// <summary>Failed attempts in a row after which auto-recharge turns itself off (a credited recharge resets the count).</summary>
    public const int MaxConsecutiveFailures = 3;

    /// <summary>Attempt <paramref name="sequence"/> is credited: nothing is in flight any more, and the failure count
    /// starts again.</summary>
    public async Task CompleteAsync(long accountId, long sequence, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId && a.AutoRechargeSequence == sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargePendingAt, (DateTime?)null)
                .SetProperty(a => a.AutoRechargeFailures, 0)
                .SetProperty(a => a.AutoRechargeFailure, (string?)null)
                .SetProperty(a => a.AutoRechargeLastOutcome, AutoRechargeOutcomes.Succeeded), ct);
    }

    /// <summary>Attempt <paramref name="sequence"/> failed: the reason is stored and counted; at
    /// <see cref="MaxConsecutiveFailures"/> in a row auto-recharge turns itself off until the customer turns it on again.
    /// An attempt counts once: only while it is still in flight, so a decline reported both by the charge and by its
    /// payment_intent.payment_failed event is one failure. True when this call counted it.</summary>
    public async Task<bool> FailAsync(long accountId, long? sequence, string reason, CancellationToken ct = default)
    {
        var text = reason.Length > 500 ? reason[..500] : reason;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts
            .Where(a => a.Id == accountId && (sequence == null || (a.AutoRechargeSequence == sequence && a.AutoRechargePendingAt != null)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.AutoRechargeEnabled, a => a.AutoRechargeEnabled && a.AutoRechargeFailures + 1 < MaxConsecutiveFailures)
                .SetProperty(a => a.AutoRechargeFailures, a => a.AutoRechargeFailures + 1)
                .SetProperty(a => a.AutoRechargeFailure, text)
                .SetProperty(a => a.AutoRechargeLastOutcome, AutoRechargeOutcomes.Failed)
                .SetProperty(a => a.AutoRechargePendingAt, (DateTime?)null), ct) == 1;
    }

    private static Money? Units(long? units) => units is { } u ? new Money(u) : null;
}
