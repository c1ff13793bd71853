using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Payments;

/// <summary>
/// Development mode (no provider configured): purchases and recharges are granted at once through the same postings
/// a paid one uses, with development keys and descriptions that say no payment was taken. No card is needed or saved,
/// nothing can be refunded to a card, and the webhook handlers have no provider to ask (<see cref="PaymentErrorKind.NotSupported"/>).
/// It knows no provider, so it lives with the postings it calls, and the engine's conformance tests run it on every database.
/// </summary>
public sealed class DevelopmentPaymentGateway(PaymentPostings postings) : IPaymentGateway
{
    private const string Label = PaymentsService.DevelopmentModeLabel;

    public PaymentProvider Provider { get; } = new("dev", Label);

    public bool GrantsInstantly => true;

    public async Task<GatewayResult<CheckoutStarted>> StartCheckoutAsync(CheckoutStart r, CancellationToken ct = default)
    {
        var quote = r.Package;
        var refId = PaymentKeys.DevPurchaseRef(r.PurchaseId);
        var result = await postings.CreditPurchaseAsync(new PurchaseCredit(r.AccountId, refId, PaymentKeys.DevTopup(r.PurchaseId),
            PaymentKeys.DevFee(r.PurchaseId), quote.Total, quote.Fee,
            $"Credit purchase in {Label} (no payment taken): {quote.Name}, {quote.Credits} credits + {quote.Fee} fee",
            $"Platform fee ({quote.FeeLabel}) on purchase {refId}",
            new Origin(EntrySources.Console, r.Actor)), ct);
        if (result.Value is { } posted)
            return GatewayResult<CheckoutStarted>.Ok(new CheckoutStarted(refId, null, null, posted));
        return GatewayResult<CheckoutStarted>.Fail(PaymentErrorKind.Invalid, result.Failure!.Error == LedgerError.IdempotencyConflict
            ? "This purchase was already made with another package. Close the dialog and buy again."
            : result.Failure.Message);
    }

    public Task<GatewayResult<CheckoutState>?> GetCheckoutAsync(string reference, CancellationToken ct = default) =>
        Task.FromResult<GatewayResult<CheckoutState>?>(null);

    public async Task<GatewayResult<RechargeStarted>> ChargeAutoRechargeAsync(RechargeStart r, CancellationToken ct = default)
    {
        var refId = PaymentKeys.DevAutoRechargeRef(r.AccountId, r.Sequence);
        var grant = await postings.CreditAutoRechargeAsync(r.AccountId, r.Amount, refId, r.IdempotencyKey,
            $"{r.Description} ({Label}: no payment taken)", new Origin(EntrySources.System, "auto-recharge"), ct);
        return grant.Value is { } entry
            ? GatewayResult<RechargeStarted>.Ok(new RechargeStarted(refId, "succeeded", entry))
            : GatewayResult<RechargeStarted>.Fail(PaymentErrorKind.Invalid, grant.Failure!.Message);
    }

    public string? RefundRefusal(string purchaseRef) => $"Refunds go back to the card through the payment provider; in {Label} no card was charged.";

    public Task<GatewayResult<RefundStarted>> RefundAsync(RefundStart request, CancellationToken ct = default) =>
        Task.FromResult(GatewayResult<RefundStarted>.Fail(PaymentErrorKind.Invalid, RefundRefusal(request.PurchaseRef)!));

    public Task<GatewayResult<CheckoutStarted>> StartCardSetupAsync(CardSetupStart request, CancellationToken ct = default) =>
        Task.FromResult(GatewayResult<CheckoutStarted>.Fail(PaymentErrorKind.Invalid,
            $"In {Label} recharges are granted without a card, so there is none to save."));

    public Task<PaymentFailure?> ForgetCardAsync(string cardId, CancellationToken ct = default) => Task.FromResult<PaymentFailure?>(null);

    public Task<GatewayResult<SavedCard>> GetSetupCardAsync(string setupReference, CancellationToken ct = default) => NotSupported<SavedCard>();

    public Task<GatewayResult<SavedCard>> GetPaymentCardAsync(string paymentId, CancellationToken ct = default) => NotSupported<SavedCard>();

    public Task<GatewayResult<IReadOnlyList<RefundSettled>>> ListRefundsAsync(string paidReference, CancellationToken ct = default) =>
        NotSupported<IReadOnlyList<RefundSettled>>();

    public Task<GatewayResult<PaymentOfCharge>> GetPaymentOfChargeAsync(string chargeReference, CancellationToken ct = default) =>
        NotSupported<PaymentOfCharge>();

    public Task<GatewayResult<PaymentReceived>> FindPaymentAsync(string paymentId, CancellationToken ct = default) => NotSupported<PaymentReceived>();

    private static Task<GatewayResult<T>> NotSupported<T>() where T : class =>
        Task.FromResult(GatewayResult<T>.Fail(PaymentErrorKind.NotSupported, $"In {Label} there is no payment provider to ask."));
}
