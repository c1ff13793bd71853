using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

/// <summary>The ledger entries an admin may post by hand, each with its sign rule from <see cref="EntryTypes"/>.</summary>
public static class AdjustmentKinds
{
    public static readonly IReadOnlyList<string> All =
        [EntryTypes.AdminCorrection, EntryTypes.Refund, EntryTypes.Bonus, EntryTypes.ContractGrant, EntryTypes.BonusGrant];

    public static bool IsValid(string? type) => type is not null && All.Contains(type);
}

/// <param name="RequestId">One per confirmation dialog: a double submit or a retry posts once.</param>
/// <param name="IdempotencyKey">The ledger key when the caller brings its own (the provisioning API); else one from <paramref name="RequestId"/>.</param>
public sealed record AdjustmentRequest(Guid RequestId, long AccountId, string Type, Money Amount, string Reason, string? IdempotencyKey = null)
{
    public string LedgerKey => IdempotencyKey ?? $"admin:{RequestId:N}";
}

/// <summary>What an adjustment would do, shown before the admin confirms it.</summary>
public sealed record AdjustmentPreview(Money Balance, Money Resulting, Money OverdraftFloor, string? Refusal);

/// <summary>
/// Corrections, refunds to the balance and grants. Each is one ledger entry through <see cref="LedgerWriter"/> (the
/// reason is its description, shown to the customer) and one admin audit row naming that entry.
/// </summary>
public sealed class AdminAdjustments(IDbContextFactory<BillingDbContext> dbFactory, LedgerWriter writer, AdminAuditLog audit)
{
    public const int MinReasonLength = 5;

    public static string? CheckReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.Trim().Length < MinReasonLength
            ? $"Give a reason of at least {MinReasonLength} characters; the customer sees it on the entry."
            : reason.Trim().Length > LedgerLimits.DescriptionLength
                ? $"The reason is longer than {LedgerLimits.DescriptionLength} characters."
                : null;

    public async Task<AdjustmentPreview?> PreviewAsync(long accountId, string type, Money amount, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new { a.Balance, a.OverdraftFloor }).FirstOrDefaultAsync(ct);
        if (account is null)
            return null;
        var balance = new Money(account.Balance);
        var floor = new Money(account.OverdraftFloor);
        var refusal = SignError(type, amount);
        if (refusal is not null)
            return new AdjustmentPreview(balance, balance, floor, refusal);
        var resulting = new Money(balance.Units + amount.Units);
        if (amount.IsNegative && resulting < floor)
            refusal = $"This would take the balance to {resulting}, below the account's floor of {floor}; it would be refused.";
        return new AdjustmentPreview(balance, resulting, floor, refusal);
    }

    public async Task<LedgerResult<PostedEntry>> PostAsync(AdjustmentRequest r, AdminActor actor, CancellationToken ct = default)
    {
        if (CheckReason(r.Reason) is { } reasonError)
            return LedgerResult<PostedEntry>.Fail(LedgerError.InvalidRequest, reasonError);
        if (SignError(r.Type, r.Amount) is { } signError)
            return LedgerResult<PostedEntry>.Fail(LedgerError.InvalidRequest, signError);
        var action = r.Type switch
        {
            EntryTypes.AdminCorrection => AdminActions.Correction,
            EntryTypes.Refund => AdminActions.BalanceRefund,
            _ => AdminActions.Grant,
        };
        // The audit row is written in the entry's own transaction: there is no admin entry without its row.
        var posted = await writer.PostAsync(new PostRequest(r.AccountId, r.Type, r.Amount, r.Reason.Trim(), actor.Origin,
                IdempotencyKey: r.LedgerKey),
            entry => audit.Entry(actor, new AdminAuditRecord(action, r.AccountId, $"entry:{entry.EntryId}", r.Reason.Trim(),
                (entry.BalanceAfter - entry.Amount).Format(), entry.BalanceAfter.Format(), entry.EntryId)), ct);
        return posted;
    }

    private static string? SignError(string type, Money amount)
    {
        if (!AdjustmentKinds.IsValid(type))
            return $"'{type}' is not an adjustment an admin can post.";
        if (amount.Units == 0)
            return "Enter an amount other than zero.";
        if (amount > Money.Max || amount < -Money.Max)
            return "The amount exceeds $1,000,000,000.";
        return EntryTypes.Get(type).Sign == AmountSign.Positive && amount.IsNegative
            ? $"A {EntryTypes.Get(type).Label.ToLowerInvariant()} adds credit: enter a positive amount."
            : null;
    }
}
