using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Payments;

public static class ReceiptKinds
{
    public const string Purchase = "purchase";
    public const string AutoRecharge = "auto_recharge";
    public const string Refund = "refund";
    public const string Dispute = "dispute";
}

/// <summary>One ledger entry a payment wrote, with the Balance After it left.</summary>
public sealed record ReceiptLine(long EntryId, string Type, Money Amount, Money BalanceAfter, DateTime CreatedAt, string Description);

/// <summary>What one payment did to the account: a purchase (paid, less the platform fee, is the credits added), an
/// auto-recharge, a refund or a dispute, with every entry it wrote. <see cref="Number"/> is its first entry's id.</summary>
public sealed record Receipt(long Number, long AccountId, string AccountName, string Kind, string Reference, DateTime IssuedAt,
    Money Paid, Money Fee, Money Credits, IReadOnlyList<ReceiptLine> Lines);

/// <summary>A receipt as a month's list shows it.</summary>
public sealed record ReceiptSummary(long Number, string Kind, string Reference, DateTime IssuedAt, Money Credits);

/// <summary>
/// Receipts are read from the ledger, never stored: a payment's entries share its reference (the payment provider's
/// object id, or the development-mode id), so a receipt is those entries of the account, and it ties out to the
/// transactions and the statement by construction.
/// </summary>
public sealed class Receipts(IDbContextFactory<BillingDbContext> dbFactory)
{
    private static readonly string[] Types =
        [EntryTypes.Topup, EntryTypes.PlatformFee, EntryTypes.AutoRecharge, EntryTypes.PaymentRefund, EntryTypes.Dispute, EntryTypes.DisputeReversal];

    /// <summary>Whether an entry belongs to a payment that has a receipt.</summary>
    public static bool HasReceipt(string type, string? refId) => !string.IsNullOrEmpty(refId) && Types.Contains(type);

    /// <summary>The receipt of the payment that wrote entry <paramref name="entryId"/> of <paramref name="accountId"/>, or
    /// null when the entry is not the account's or wrote no payment.</summary>
    public async Task<Receipt?> FindAsync(long accountId, long entryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.LedgerEntries.AsNoTracking().Where(e => e.Id == entryId && e.AccountId == accountId)
            .Select(e => new { e.Type, e.RefId }).FirstOrDefaultAsync(ct);
        if (entry is null || !HasReceipt(entry.Type, entry.RefId))
            return null;
        var lines = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.RefId == entry.RefId && Types.Contains(e.Type))
            .OrderBy(e => e.Sequence)
            .Select(e => new ReceiptLine(e.Id, e.Type, new Money(e.Amount), new Money(e.BalanceAfter), e.CreatedAt, e.Description))
            .ToListAsync(ct);
        var accountName = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(ct);
        var kind = KindOf(lines.Select(l => l.Type));
        Money Sum(string type) => new(lines.Where(l => l.Type == type).Sum(l => l.Amount.Units));
        var (paid, fee) = kind switch
        {
            ReceiptKinds.Purchase => (Sum(EntryTypes.Topup), -Sum(EntryTypes.PlatformFee)),
            ReceiptKinds.AutoRecharge => (Sum(EntryTypes.AutoRecharge), Money.Zero),
            _ => (Money.Zero, Money.Zero),
        };
        return new Receipt(lines[0].EntryId, accountId, accountName, kind, entry.RefId!, lines[0].CreatedAt, paid, fee,
            new Money(lines.Sum(l => l.Amount.Units)), lines);
    }

    /// <summary>The receipts of the payments first recorded in <paramref name="month"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ReceiptSummary>> ListAsync(long accountId, BillingMonth month, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (start, end) = (month.Start, month.End);
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.RefId != null && Types.Contains(e.Type) && e.CreatedAt >= start && e.CreatedAt < end)
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Id, e.Type, e.RefId, e.Amount, e.CreatedAt })
            .ToListAsync(ct);
        return [.. entries.GroupBy(e => e.RefId!).Select(g => new ReceiptSummary(g.First().Id, KindOf(g.Select(e => e.Type)), g.Key,
            g.First().CreatedAt, new Money(g.Sum(e => e.Amount)))).OrderBy(r => r.Number)];
    }

    private static string KindOf(IEnumerable<string> types)
    {
        var set = types.ToHashSet();
        return set.Contains(EntryTypes.Topup) || set.Contains(EntryTypes.PlatformFee) ? ReceiptKinds.Purchase
            : set.Contains(EntryTypes.AutoRecharge) ? ReceiptKinds.AutoRecharge
            : set.Contains(EntryTypes.PaymentRefund) ? ReceiptKinds.Refund
            : ReceiptKinds.Dispute;
    }
}
