using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

public sealed record AutoRechargeSettings(bool Enabled, Money? Threshold, Money? Amount, Money? MonthlyCap, string? PaymentMethodId,
    string? LastFailure, bool InFlight);

/// <summary>What a customer sets. <see cref="Amount"/> is whole cents (Stripe charges cents), at least $1.</summary>
public sealed record AutoRechargeChange(bool Enabled, Money Threshold, Money Amount, Money? MonthlyCap);

/// <summary>An account auto-recharge should charge now: a new attempt, or the unconfirmed attempt <see cref="Sequence"/>
/// sent again (same idempotency key, so Stripe answers with the first PaymentIntent instead of charging twice).</summary>
public sealed record DueRecharge(long AccountId, long Sequence, bool Retry, Money Amount, Money Balance, Money Threshold, Money? MonthlyCap,
    string? CustomerId, string? PaymentMethodId, DateTime? PendingAt);

/// <summary>
/// The payment settings on an account: the Stripe customer, the saved card and auto-recharge. None of them moves
/// money; the recharge sequence and the in-flight marker exist so a crash or a second worker cannot charge twice.
/// </summary>
public sealed class PaymentAccounts(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public async Task<(string Name, string? Email, string? CustomerId)?> GetCustomerAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId)
            .Select(x => new { x.Name, x.Email, x.StripeCustomerId }).FirstOrDefaultAsync(ct);
        return a is null ? null : (a.Name, a.Email, a.StripeCustomerId);
    }

    /// <summary>Stores the Stripe customer unless the account already has one; returns the one the account has now.</summary>
    public async Task<string?> SetCustomerIfEmptyAsync(long accountId, string customerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId && a.StripeCustomerId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, customerId), ct);
        return await db.Accounts.Where(a => a.Id == accountId).Select(a => a.StripeCustomerId).FirstOrDefaultAsync(ct);
    }

    public async Task<bool> SetPaymentMethodAsync(long accountId, string? paymentMethodId, bool onlyIfEmpty = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.Where(a => a.Id == accountId && (!onlyIfEmpty || a.StripePaymentMethodId == null))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripePaymentMethodId, paymentMethodId), ct) == 1;
    }

    public async Task<AutoRechargeSettings?> GetAutoRechargeAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId).FirstOrDefaultAsync(ct);
        return a is null ? null : new AutoRechargeSettings(a.AutoRechargeEnabled, Units(a.AutoRechargeThreshold), Units(a.AutoRechargeAmount),
            Units(a.AutoRechargeMonthlyCap), a.StripePaymentMethodId, a.AutoRechargeFailure, a.AutoRechargePendingAt is not null);
    }

    /// <summary>Validates and stores the settings; turning auto-recharge on clears the last failure. Null on success,
    /// else why the settings were refused (nothing is stored then).</summary>
    public async Task<string?> SetAutoRechargeAsync(long accountId, AutoRechargeChange c, CancellationToken ct = default)
    {
        if (c.Threshold.Units <= 0 || c.Threshold > Money.Max)
            return "The threshold is a positive amount.";
        if (c.Amount < Money.FromDollars(1) || c.Amount > Money.FromDollars(100_000) || c.Amount.Units % Money.FromCents(1).Units != 0)
            return "The recharge amount is whole cents from $1.00 to $100,000.00.";
        if (c.MonthlyCap is { } cap && cap < c.Amount)
            return "The monthly cap must allow at least one recharge.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enabled = c.Enabled;
        var changed = await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AutoRechargeEnabled, enabled)
            .SetProperty(a => a.AutoRechargeThreshold, c.Threshold.Units)
            .SetProperty(a => a.AutoRechargeAmount, c.Amount.Units)
            .SetProperty(a => a.AutoRechargeMonthlyCap, c.MonthlyCap == null ? null : c.MonthlyCap.Value.Units)
            .SetProperty(a => a.AutoRechargeFailure, a => enabled ? null : a.AutoRechargeFailure), ct);
        return changed == 1 ? null : "No such account.";
    }

    /// <summary>Accounts below their threshold with auto-recharge on and nothing in flight, plus attempts in flight for
    /// longer than <paramref name="retryAfter"/> (and less than a day: Stripe keeps idempotency keys for 24 hours).</summary>
    public async Task<IReadOnlyList<DueRecharge>> DueAsync(TimeSpan retryAfter, bool needsCard, int max = 100, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var retryBefore = now - retryAfter;
        var giveUpBefore = now - StaleAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Accounts.AsNoTracking()
            .Where(a => a.AutoRechargeAmount != null && a.AutoRechargeThreshold != null
                && ((a.AutoRechargeEnabled && a.AutoRechargePendingAt == null && a.Balance < a.AutoRechargeThreshold
                        && (!needsCard || (a.StripePaymentMethodId != null && a.StripeCustomerId != null)))
                    || (a.AutoRechargePendingAt != null && a.AutoRechargePendingAt < retryBefore)))
            .OrderBy(a => a.Id).Take(max)
            .Select(a => new
            {
                a.Id, a.AutoRechargeSequence, a.AutoRechargePendingAt, a.AutoRechargeAmount, a.Balance, a.AutoRechargeThreshold,
                a.AutoRechargeMonthlyCap, a.StripeCustomerId, a.StripePaymentMethodId,
            })
            .ToListAsync(ct);
        return rows.Select(a => new DueRecharge(a.Id, a.AutoRechargeSequence, a.AutoRechargePendingAt is not null, new Money(a.AutoRechargeAmount!.Value),
            new Money(a.Balance), new Money(a.AutoRechargeThreshold!.Value), Units(a.AutoRechargeMonthlyCap), a.StripeCustomerId,
            a.StripePaymentMethodId, a.AutoRechargePendingAt)).ToList();
    }

    /// <summary>An attempt unconfirmed for this long is given up: its idempotency key may have expired at Stripe.</summary>
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
                .SetProperty(a => a.AutoRechargePendingAt, now), ct);
        return claimed == 1 ? seenSequence + 1 : null;
    }

    /// <summary>Attempt <paramref name="sequence"/> is credited: nothing is in flight any more.</summary>
    public async Task CompleteAsync(long accountId, long sequence, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId && a.AutoRechargeSequence == sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AutoRechargePendingAt, (DateTime?)null), ct);
    }

    /// <summary>An attempt failed: auto-recharge is turned off with the reason, so a declined card is not retried
    /// every tick; the customer turns it on again after fixing the card.</summary>
    public async Task FailAsync(long accountId, long? sequence, string reason, CancellationToken ct = default)
    {
        var text = reason.Length > 500 ? reason[..500] : reason;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AutoRechargeEnabled, false)
            .SetProperty(a => a.AutoRechargeFailure, text)
            .SetProperty(a => a.AutoRechargePendingAt, a => sequence == null || a.AutoRechargeSequence == sequence ? null : a.AutoRechargePendingAt), ct);
    }

    private static Money? Units(long? units) => units is { } u ? new Money(u) : null;
}
