using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Payments;

/// <summary>
/// The payment provider as the engine sees it. The web project implements it twice: on the real provider, and a
/// development gateway that grants purchases and recharges instantly through the same postings. Checkout, refunds,
/// auto-recharge and the webhook handlers all go through it. Calls that move money carry an idempotency key derived
/// from the request, so a retry returns the first result instead of charging again.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>Names the provider in messages and namespaces the ledger keys of what it reports.</summary>
    PaymentProvider Provider { get; }

    /// <summary>Development mode: purchases and recharges are credited at once, no money moves, no card is needed.</summary>
    bool GrantsInstantly { get; }

    /// <summary>Creates the customer if <see cref="CheckoutStart.CustomerId"/> is null, then a hosted checkout; or, when
    /// <see cref="GrantsInstantly"/>, credits the purchase (<see cref="CheckoutStarted.Granted"/>).</summary>
    Task<GatewayResult<CheckoutStarted>> StartCheckoutAsync(CheckoutStart request, CancellationToken ct = default);

    /// <summary>The provider's view of a checkout, or null when <paramref name="reference"/> is not one of its checkouts.</summary>
    Task<GatewayResult<CheckoutState>?> GetCheckoutAsync(string reference, CancellationToken ct = default);

    /// <summary>Charges the saved card off-session (the ledger is credited by the provider's success event), or, when
    /// <see cref="GrantsInstantly"/>, credits the recharge (<see cref="RechargeStarted.Granted"/>).</summary>
    Task<GatewayResult<RechargeStarted>> ChargeAutoRechargeAsync(RechargeStart request, CancellationToken ct = default);

    /// <summary>Null when <paramref name="purchaseRef"/> names a purchase this provider can refund to the card, else why not.</summary>
    string? RefundRefusal(string purchaseRef);

    /// <summary>Refunds (part of) a purchase; the ledger entry is written when the provider reports the refund.</summary>
    Task<GatewayResult<RefundStarted>> RefundAsync(RefundStart request, CancellationToken ct = default);

    /// <summary>Starts a hosted page that saves a card for off-session charges (no payment); the card is stored on the
    /// account when the provider reports it saved.</summary>
    Task<GatewayResult<CheckoutStarted>> StartCardSetupAsync(CardSetupStart request, CancellationToken ct = default);

    /// <summary>Asks the provider to forget a saved card, so it can never be charged again.</summary>
    Task<PaymentFailure?> ForgetCardAsync(string cardId, CancellationToken ct = default);

    // What the webhook handlers ask beyond the event itself. A gateway with no provider to ask answers NotSupported.

    /// <summary>The card a completed card setup saved.</summary>
    Task<GatewayResult<SavedCard>> GetSetupCardAsync(string setupReference, CancellationToken ct = default);

    /// <summary>The card a payment was made with.</summary>
    Task<GatewayResult<SavedCard>> GetPaymentCardAsync(string paymentId, CancellationToken ct = default);

    /// <summary>Every refund of a paid object that moved (or will move) money, when its event did not list them all.</summary>
    Task<GatewayResult<IReadOnlyList<RefundSettled>>> ListRefundsAsync(string paidReference, CancellationToken ct = default);

    /// <summary>The payment a charge belongs to (null value: none).</summary>
    Task<GatewayResult<PaymentOfCharge>> GetPaymentOfChargeAsync(string chargeReference, CancellationToken ct = default);

    /// <summary>The purchase or auto-recharge behind <paramref name="paymentId"/>, as its own event would report it
    /// (<see cref="PaymentKind.Other"/> when it is neither), for a refund or dispute that arrived first.</summary>
    Task<GatewayResult<PaymentReceived>> FindPaymentAsync(string paymentId, CancellationToken ct = default);
}

/// <summary>A payment provider: <see cref="Key"/> prefixes the ledger keys of what it reports (and is the actor of those
/// entries); <see cref="Name"/> is how messages name it.</summary>
public sealed record PaymentProvider(string Key, string Name);

public sealed record CardSetupStart(Guid RequestId, long AccountId, string AccountName, string? Email, string? CustomerId,
    string SuccessUrl, string CancelUrl);

public sealed record CheckoutStart(Guid PurchaseId, long AccountId, string AccountName, string? Email, string? CustomerId,
    PackageQuote Package, string SuccessUrl, string CancelUrl, string Actor);

/// <summary>A started checkout: <see cref="Url"/> to send the customer to, or, in development mode, <see cref="Granted"/>.</summary>
public sealed record CheckoutStarted(string SessionId, string? Url, string? CustomerId, PostedPurchase? Granted = null);

/// <summary>A checkout as the provider reports it now (status open/complete/expired, payment status paid/unpaid/...).</summary>
public sealed record CheckoutState(string SessionId, long? AccountId, string Status, string PaymentStatus, long? AmountTotalCents);

public sealed record RechargeStart(long AccountId, long Sequence, Money Amount, string? CustomerId, string? PaymentMethodId,
    string IdempotencyKey, string Description);

public sealed record RechargeStarted(string PaymentId, string Status, PostedEntry? Granted = null);

public sealed record RefundStart(Guid RequestId, long AccountId, string PurchaseRef, long? AmountCents, string Actor);

public sealed record RefundStarted(string RefundId, string Status, long AmountCents);

public sealed record PaymentOfCharge(string? PaymentId);

public enum PaymentErrorKind
{
    /// <summary>The card was declined or needs the customer (authentication): retrying will not help.</summary>
    Declined,
    /// <summary>The request was refused (bad amount, already refunded, unknown object).</summary>
    Invalid,
    /// <summary>The provider could not be reached or failed; the same request may be retried with the same idempotency key.</summary>
    Unavailable,
    /// <summary>There is no provider to ask (development mode).</summary>
    NotSupported,
}

/// <summary>A provider failure with a message safe to show a customer.</summary>
public sealed record PaymentFailure(PaymentErrorKind Kind, string Message);

public sealed record GatewayResult<T>(T? Value, PaymentFailure? Failure) where T : class
{
    public static GatewayResult<T> Ok(T value) => new(value, null);
    public static GatewayResult<T> Fail(PaymentErrorKind kind, string message) => new(null, new PaymentFailure(kind, message));
}
