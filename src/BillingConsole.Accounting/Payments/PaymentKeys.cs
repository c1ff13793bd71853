using System.Security.Cryptography;
using System.Text;

namespace BillingConsole.Accounting.Payments;

/// <summary>
/// Idempotency keys of the ledger entries payments write. A provider entry's key is derived from the provider's object
/// that caused it (namespaced by <see cref="PaymentProvider.Key"/>), so however often and however concurrently the
/// provider reports (or the console re-fetches) an object, the ledger's unique index on (account_id, idempotency_key)
/// lets exactly one entry per object and role through, in the same transaction as the balance change.
/// </summary>
public static class PaymentKeys
{
    public static string Topup(PaymentProvider p, string purchaseRef) => $"{p.Key}:{purchaseRef}:topup";
    public static string Fee(PaymentProvider p, string purchaseRef) => $"{p.Key}:{purchaseRef}:fee";
    public static string AutoRecharge(PaymentProvider p, string paymentRef) => $"{p.Key}:{paymentRef}:auto_recharge";

    /// <summary>One entry per refund; the paid object is part of the key so reconciliation can group its refunds.</summary>
    public static string Refund(PaymentProvider p, string paidRef, string refundRef) => $"{p.Key}:{paidRef}:{refundRef}";
    /// <summary>What every refund key of <paramref name="paidRef"/> starts with (refund entries only: purchases and
    /// disputes are keyed by their own objects).</summary>
    public static string RefundsOf(PaymentProvider p, string paidRef) => $"{p.Key}:{paidRef}:";
    public static string Dispute(PaymentProvider p, string disputeRef) => $"{p.Key}:{disputeRef}";
    public static string DisputeWon(PaymentProvider p, string disputeRef) => $"{p.Key}:{disputeRef}:won";

    /// <summary>A development-mode purchase: the id is created with the purchase request, before any click.</summary>
    public static string DevTopup(Guid purchaseId) => $"dev:{purchaseId:N}:topup";
    public static string DevFee(Guid purchaseId) => $"dev:{purchaseId:N}:fee";
    public static string DevPurchaseRef(Guid purchaseId) => $"dev_{purchaseId:N}";

    /// <summary>A refund's request id (the provider's idempotency key) derived from what identifies the refund, not drawn
    /// at random: the same refund asked again, after a lost answer or by a redelivered event, meets the refund already
    /// made instead of making a second.</summary>
    public static Guid RefundRequestId(string refund) => new(SHA256.HashData(Encoding.UTF8.GetBytes(refund)).AsSpan(0, 16));

    /// <summary>The n-th auto-recharge attempt of an account: the provider's idempotency key of its charge, and in
    /// development mode the ledger key of the instant grant.</summary>
    public static string AutoRechargeAttempt(long accountId, long sequence) => $"auto-recharge:{accountId}:{sequence}";
    public static string DevAutoRechargeRef(long accountId, long sequence) => $"dev_recharge_{accountId}_{sequence}";

    /// <summary>The provider object a key of <paramref name="p"/> was derived from, or null.</summary>
    public static string? ReferenceOf(PaymentProvider p, string? key)
    {
        var prefix = p.Key + ":";
        if (key is null || !key.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var rest = key[prefix.Length..];
        var end = rest.IndexOf(':');
        return end < 0 ? rest : rest[..end];
    }
}
