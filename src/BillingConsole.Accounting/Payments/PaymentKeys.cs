namespace BillingConsole.Accounting.Payments;

/// <summary>
/// Idempotency keys of the ledger entries payments write. A Stripe entry's key is derived from the Stripe object that
/// caused it, so however often and however concurrently Stripe delivers (or the console re-fetches) an object, the
/// ledger's unique index on (account_id, idempotency_key) lets exactly one entry per object and role through, in the
/// same transaction as the balance change.
/// </summary>
public static class PaymentKeys
{
    public static string StripeTopup(string checkoutSessionId) => $"stripe:{checkoutSessionId}:topup";
    public static string StripeFee(string checkoutSessionId) => $"stripe:{checkoutSessionId}:fee";
    public static string StripeAutoRecharge(string paymentIntentId) => $"stripe:{paymentIntentId}:auto_recharge";

    /// <summary>One entry per refund object; the charge is part of the key so reconciliation can group a charge's refunds.</summary>
    public static string StripeRefund(string chargeId, string refundId) => $"stripe:{chargeId}:{refundId}";
    public static string StripeRefundPrefix(string chargeId) => $"stripe:{chargeId}:re_";
    public static string StripeDispute(string disputeId) => $"stripe:{disputeId}";
    public static string StripeDisputeWon(string disputeId) => $"stripe:{disputeId}:won";

    /// <summary>A development-mode purchase: the id is created with the purchase request, before any click.</summary>
    public static string DevTopup(Guid purchaseId) => $"dev:{purchaseId:N}:topup";
    public static string DevFee(Guid purchaseId) => $"dev:{purchaseId:N}:fee";
    public static string DevPurchaseRef(Guid purchaseId) => $"dev_{purchaseId:N}";

    /// <summary>The n-th auto-recharge attempt of an account: the Stripe idempotency key of its PaymentIntent, and in
    /// development mode the ledger key of the instant grant.</summary>
    public static string AutoRechargeAttempt(long accountId, long sequence) => $"auto-recharge:{accountId}:{sequence}";
    public static string DevAutoRechargeRef(long accountId, long sequence) => $"dev_recharge_{accountId}_{sequence}";

    /// <summary>The Stripe object a <c>stripe:</c> key was derived from (cs_, pi_, ch_ or dp_ id), or null.</summary>
    public static string? StripeObjectOf(string? key)
    {
        if (key is null || !key.StartsWith("stripe:", StringComparison.Ordinal))
            return null;
        var rest = key["stripe:".Length..];
        var end = rest.IndexOf(':');
        return end < 0 ? rest : rest[..end];
    }
}
