using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

/// <summary>Settings a customer changes on their own account. None of them moves money, so none is a ledger entry.</summary>
public sealed class AccountSettings(IDbContextFactory<BillingDbContext> dbFactory)
{
    public async Task<Money?> GetLowBalanceThresholdAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var units = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.LowBalanceThreshold).FirstOrDefaultAsync(ct);
        return units is { } u ? new Money(u) : null;
    }

    /// <summary>Sets the low-balance warning level (null to turn the banner off); false when the amount is not a
    /// positive amount up to $1,000,000,000 or the account does not exist.</summary>
    public async Task<bool> SetLowBalanceThresholdAsync(long accountId, Money? threshold, CancellationToken ct = default)
    {
        if (threshold is { } t && (t.Units <= 0 || t > Money.Max))
            return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var units = threshold?.Units;
        return await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LowBalanceThreshold, units), ct) == 1;
    }
}
