using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

/// <summary>
/// The two limits only billing staff set: an account's overdraft floor (how far below zero spending may go, for
/// customers on credit terms) and an API key's monthly spend limit. Neither moves money, so neither is a ledger entry;
/// each change and its audit row are saved in one transaction.
/// </summary>
public sealed class AdminAccountLimits(IDbContextFactory<BillingDbContext> dbFactory, ApiKeyService keys, AdminAuditLog audit)
{
    /// <summary>The floor is zero or negative: 0 means prepaid only, −$500 lets the balance reach −$500.</summary>
    public async Task<LedgerResult<string>> SetOverdraftFloorAsync(long accountId, Money floor, string reason, AdminActor actor,
        CancellationToken ct = default)
    {
        if (AdminAdjustments.CheckReason(reason) is { } bad)
            return LedgerResult<string>.Fail(LedgerError.InvalidRequest, bad);
        if (floor.Units > 0 || floor < -Money.Max)
            return LedgerResult<string>.Fail(LedgerError.InvalidRequest, "The floor is zero or a negative amount down to −$1,000,000,000.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked before the floor it replaces is read: two changes at once would otherwise both read the same "before",
        // and the audit trail would not explain the floor step by step.
        if (!await db.LockAccountAsync(accountId, ct))
            return LedgerResult<string>.Fail(LedgerError.NotFound, "No such account.");
        var before = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.OverdraftFloor).SingleAsync(ct);
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.OverdraftFloor, floor.Units), ct);
        db.Add(audit.Entry(actor, new AdminAuditRecord(AdminActions.OverdraftFloor, accountId, null, reason.Trim(),
            new Money(before).Format(), floor.Format())));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return LedgerResult<string>.Ok(floor.Format());
    }

    public async Task<LedgerResult<ApiKeyView>> SetKeyLimitAsync(long accountId, long keyId, Money? limit, string reason, AdminActor actor,
        CancellationToken ct = default)
    {
        if (AdminAdjustments.CheckReason(reason) is { } bad)
            return LedgerResult<ApiKeyView>.Fail(LedgerError.InvalidRequest, bad);
        return await keys.SetLimitAsync(accountId, keyId, limit, change => audit.Entry(actor, new AdminAuditRecord(AdminActions.KeyLimit,
            accountId, $"key:{keyId} {change.Prefix}", reason.Trim(), LimitText(change.Replaced), LimitText(limit))), ct);
    }

    private static string LimitText(Money? limit) => limit?.Format() ?? "no limit";
}
