namespace BillingConsole.Accounting.Payments;

/// <summary>
/// The payment provider as the engine sees it (Stripe, in the web project). Absent in development mode, where
/// purchases and recharges are granted instantly. Calls that move money carry an idempotency key derived from the
/// request, so a retry returns the first result instead of charging again.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>Creates the customer if <see cref="CheckoutStart.CustomerId"/> is null, then a Checkout Session.</summary>
    Task<GatewayResult<CheckoutStarted>> StartCheckoutAsync(CheckoutStart request, CancellationToken ct = default);

    Task<GatewayResult<CheckoutState>> GetCheckoutAsync(string sessionId, CancellationToken ct = default);

    /// <summary>Charges the saved card off-session; the ledger is credited by the payment_intent.succeeded webhook.</summary>
    Task<GatewayResult<RechargeStarted>> ChargeAutoRechargeAsync(RechargeStart request, CancellationToken ct = default);

    /// <summary>Refunds (part of) a Checkout purchase; the ledger entry is written by the charge.refunded webhook.</summary>
    Task<GatewayResult<RefundStarted>> RefundAsync(RefundStart request, CancellationToken ct = default);

    /// <summary>Starts a hosted page that saves a card for off-session charges (no payment); the card is stored on the
    /// account by the provider's completion webhook.</summary>
    Task<GatewayResult<CheckoutStarted>> StartCardSetupAsync(CardSetupStart request, CancellationToken ct = default);

    /// <summary>Asks the provider to forget a saved card, so it can never be charged again.</summary>
    Task<PaymentFailure?> ForgetCardAsync(string cardId, CancellationToken ct = default);
}

public sealed record CardSetupStart(Guid RequestId, long AccountId, string AccountName, string? Email, string? CustomerId,
    string SuccessUrl, string CancelUrl);

public sealed record CheckoutStart(Guid PurchaseId, long AccountId, string AccountName, string? Email, string? CustomerId,
    PackageQuote Package, string SuccessUrl, string CancelUrl);

public sealed record CheckoutStarted(string SessionId, string Url, string CustomerId);

/// <summary>A Checkout Session as Stripe reports it now (status open/complete/expired, payment_status paid/unpaid/...).</summary>
public sealed record CheckoutState(string SessionId, long? AccountId, string Status, string PaymentStatus, long? AmountTotalCents);

public sealed record RechargeStart(long AccountId, long Sequence, long AmountCents, string CustomerId, string PaymentMethodId,
    string IdempotencyKey, string Description);

public sealed record RechargeStarted(string PaymentIntentId, string Status);

public sealed record RefundStart(Guid RequestId, long AccountId, string CheckoutSessionId, long? AmountCents, string Actor);

public sealed record RefundStarted(string RefundId, string Status, long AmountCents);

public enum PaymentErrorKind
{
    /// <summary>The card was declined or needs the customer (authentication): retrying will not help.</summary>
    Declined,
    /// <summary>The request was refused (bad amount, already refunded, unknown object).</summary>
    Invalid,
    /// <summary>Stripe could not be reached or failed; the same request may be retried with the same idempotency key.</summary>
    Unavailable,
}

/// <summary>A provider failure with a message safe to show a customer.</summary>
public sealed record PaymentFailure(PaymentErrorKind Kind, string Message);

public sealed record GatewayResult<T>(T? Value, PaymentFailure? Failure) where T : class
{
    public static GatewayResult<T> Ok(T value) => new(value, null);
    public static GatewayResult<T> Fail(PaymentErrorKind kind, string message) => new(null, new PaymentFailure(kind, message));
}
