using System.Globalization;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

/// <summary>A top-up as the ledger recorded it. <see cref="CardRefundable"/>: the provider can refund it to the card
/// (<see cref="IPaymentGateway.RefundRefusal"/>).</summary>
public sealed record PurchaseRow(long EntryId, DateTime CreatedAt, string Type, string RefId, Money Paid, string Description, bool CardRefundable);

/// <summary>An account's purchases, and refunds of them to the card through <see cref="PaymentsService"/>: the provider
/// refunds the card and its refund event writes the payment_refund entry; the request is in the admin history.</summary>
public sealed class AdminPayments(IDbContextFactory<BillingDbContext> dbFactory, PaymentsService payments, AdminAuditLog audit, IPaymentGateway gateway)
{
    public async Task<IReadOnlyList<PurchaseRow>> ListPurchasesAsync(long accountId, CancellationToken ct = default)
    {
        var purchases = EntryCategories.Get(EntryCategory.Purchase).Types;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && purchases.Contains(e.Type) && e.RefId != null)
            .OrderByDescending(e => e.Id).Take(200)
            .Select(e => new { e.Id, e.CreatedAt, e.Type, e.RefId, e.Amount, e.Description })
            .ToListAsync(ct);
        return [.. rows.Select(e => new PurchaseRow(e.Id, e.CreatedAt, e.Type, e.RefId!, new Money(e.Amount), e.Description,
            gateway.RefundRefusal(e.RefId!) is null))];
    }

    /// <summary>Who asked, as the provider's refund names it: the kind of requester, not the person. A provider refuses an
    /// idempotency key reused with other parameters, so with the admin's name in them another admin repeating a refund
    /// whose answer was lost would get an error instead of that refund. The person is in the admin history, which the
    /// request id links to the provider's refund.</summary>
    public const string Requester = "billing_staff";

    /// <param name="amount">Null refunds what is left of the purchase.</param>
    public async Task<PaymentCommandResult> RefundToCardAsync(long accountId, string purchaseRef, Money? amount, string reason,
        AdminActor actor, CancellationToken ct = default)
    {
        if (AdminAdjustments.CheckReason(reason) is { } bad)
            return new(false, bad);
        var requestId = await RequestIdAsync(accountId, purchaseRef, amount, ct);
        var result = await payments.RefundPurchaseAsync(new RefundRequest(requestId, accountId, purchaseRef, amount, Requester), ct);
        // Recorded after the provider answered (an external call cannot share the row's transaction); keyed by the
        // request id, as the provider's refund is, so a repeated request adds no second row.
        if (result.Succeeded)
            await audit.AppendAsync(actor, new AdminAuditRecord(AdminActions.CardRefund, accountId, purchaseRef, reason.Trim(),
                amount is { } a ? $"refund {a} requested" : "full refund requested", result.Message, RequestId: requestId), ct);
        return result;
    }

    /// <summary>The request's id: the provider's idempotency key and the audit row's. It is derived from the purchase,
    /// the amount and how many refunds of the purchase the history records, not drawn at random, because a refund
    /// whose answer was lost (a timeout, the process stopped before its row) may have happened: asked again, it gets
    /// the same id and the provider answers with that refund instead of making a second. Once its row is written, the
    /// next refund of the purchase is a new request. (The provider keeps keys for a day; a stored failure is answered
    /// again for that day.)</summary>
    private async Task<Guid> RequestIdAsync(long accountId, string purchaseRef, Money? amount, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var recorded = await db.AdminAuditLog.CountAsync(e => e.Action == AdminActions.CardRefund && e.AccountId == accountId && e.Target == purchaseRef, ct);
        return PaymentKeys.RefundRequestId(
            FormattableString.Invariant($"card-refund/{accountId}/{purchaseRef}/{amount?.Units.ToString(CultureInfo.InvariantCulture) ?? "rest"}/{recorded}"));
    }
}
