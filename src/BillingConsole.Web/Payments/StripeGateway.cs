using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using Stripe;
using Stripe.Checkout;
using static BillingConsole.Web.Payments.StripeFacts;

namespace BillingConsole.Web.Payments;

/// <summary>
/// The engine's <see cref="IPaymentGateway"/> on Stripe.net. Every call that creates something carries an idempotency
/// key derived from the console's own request id, so a retry (or a crash and retry) gets Stripe's first answer back.
/// Stripe failures become user-safe messages here, in one place.
/// </summary>
public sealed class StripeGateway(StripeClient stripe, ILogger<StripeGateway> log) : IPaymentGateway
{
    public const string Currency = StripeFacts.Currency;

    public PaymentProvider Provider => StripeFacts.Provider;

    public bool GrantsInstantly => false;

    public async Task<GatewayResult<CheckoutStarted>> StartCheckoutAsync(CheckoutStart r, CancellationToken ct = default)
    {
        try
        {
            var customerId = await CustomerAsync(r.CustomerId, r.AccountId, r.AccountName, r.Email, ct);
            var p = r.Package;
            var metadata = new Dictionary<string, string>
            {
                [Meta.AccountId] = Id(r.AccountId),
                [Meta.PackageId] = p.Id,
                [Meta.PurchaseId] = r.PurchaseId.ToString("N"),
                [Meta.CreditsCents] = Id(p.CreditsCents),
                [Meta.FeeCents] = Id(p.FeeCents),
            };
            var lineItems = new List<SessionLineItemOptions> { LineItem($"{p.Name}: {p.Credits} in credits", p.CreditsCents) };
            if (p.FeeCents > 0)
                lineItems.Add(LineItem($"Platform fee ({p.FeeLabel})", p.FeeCents));
            var session = await stripe.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
            {
                Mode = "payment",
                Customer = customerId,
                ClientReferenceId = Id(r.AccountId),
                LineItems = lineItems,
                Metadata = metadata,
                PaymentIntentData = new SessionPaymentIntentDataOptions
                {
                    // The PaymentIntent (and so its charge, refunds and disputes) carries the same references, and the
                    // card is saved to the customer for auto-recharge.
                    Metadata = new Dictionary<string, string>(metadata) { [Meta.Kind] = Meta.KindCheckout },
                    SetupFutureUsage = "off_session",
                },
                SuccessUrl = r.SuccessUrl,
                CancelUrl = r.CancelUrl,
            }, new RequestOptions { IdempotencyKey = $"checkout-{r.PurchaseId:N}" }, ct);
            return GatewayResult<CheckoutStarted>.Ok(new CheckoutStarted(session.Id, session.Url, customerId));
        }
        catch (Exception e) when (Fail<CheckoutStarted>(e, "start the checkout") is { } failure)
        {
            return failure;
        }
    }

    public async Task<GatewayResult<CheckoutStarted>> StartCardSetupAsync(CardSetupStart r, CancellationToken ct = default)
    {
        try
        {
            var customerId = await CustomerAsync(r.CustomerId, r.AccountId, r.AccountName, r.Email, ct);
            var metadata = new Dictionary<string, string> { [Meta.AccountId] = Id(r.AccountId), [Meta.Kind] = Meta.KindCardSetup };
            var session = await stripe.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
            {
                Mode = "setup",
                Currency = Currency,
                Customer = customerId,
                ClientReferenceId = Id(r.AccountId),
                Metadata = metadata,
                SetupIntentData = new SessionSetupIntentDataOptions { Metadata = new Dictionary<string, string>(metadata) },
                SuccessUrl = r.SuccessUrl,
                CancelUrl = r.CancelUrl,
            }, new RequestOptions { IdempotencyKey = $"card-setup-{r.RequestId:N}" }, ct);
            return GatewayResult<CheckoutStarted>.Ok(new CheckoutStarted(session.Id, session.Url, customerId));
        }
        catch (Exception e) when (Fail<CheckoutStarted>(e, "start saving a card") is { } failure)
        {
            return failure;
        }
    }

    public async Task<PaymentFailure?> ForgetCardAsync(string cardId, CancellationToken ct = default)
    {
        try
        {
            await stripe.V1.PaymentMethods.DetachAsync(cardId, cancellationToken: ct);
            return null;
        }
        catch (Exception e) when (Fail<PaymentMethod>(e, "forget the card") is { } failure)
        {
            return failure.Failure;
        }
    }

    /// <summary>The account's Stripe customer, created on first use (idempotent per account).</summary>
    private async Task<string> CustomerAsync(string? customerId, long accountId, string name, string? email, CancellationToken ct)
    {
        if (customerId is not null)
            return customerId;
        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Name = name,
            Email = email,
            Metadata = new() { [Meta.AccountId] = Id(accountId) },
        }, new RequestOptions { IdempotencyKey = $"customer-{accountId}" }, ct);
        return customer.Id;
    }

    public async Task<GatewayResult<CheckoutState>?> GetCheckoutAsync(string sessionId, CancellationToken ct = default)
    {
        if (!sessionId.StartsWith("cs_", StringComparison.Ordinal))
            return null;
        try
        {
            var s = await stripe.V1.Checkout.Sessions.GetAsync(sessionId, cancellationToken: ct);
            return GatewayResult<CheckoutState>.Ok(new CheckoutState(s.Id, AccountOf(s.Metadata), s.Status ?? "", s.PaymentStatus ?? "", s.AmountTotal));
        }
        catch (Exception e) when (Fail<CheckoutState>(e, "read the checkout") is { } failure)
        {
            return failure;
        }
    }

    public async Task<GatewayResult<RechargeStarted>> ChargeAutoRechargeAsync(RechargeStart r, CancellationToken ct = default)
    {
        try
        {
            var intent = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = r.Amount.Units / Money.FromCents(1).Units,
                Currency = Currency,
                Customer = r.CustomerId,
                PaymentMethod = r.PaymentMethodId,
                OffSession = true,
                Confirm = true,
                Description = r.Description,
                Metadata = new()
                {
                    [Meta.AccountId] = Id(r.AccountId),
                    [Meta.Kind] = Meta.KindAutoRecharge,
                    [Meta.Sequence] = Id(r.Sequence),
                },
            }, new RequestOptions { IdempotencyKey = r.IdempotencyKey }, ct);
            return intent.Status is "requires_payment_method" or "requires_action" or "canceled"
                ? GatewayResult<RechargeStarted>.Fail(PaymentErrorKind.Declined, DeclineReasons.Describe(intent.LastPaymentError?.DeclineCode
                    ?? intent.LastPaymentError?.Code ?? (intent.Status == "requires_action" ? "authentication_required" : null), null))
                : GatewayResult<RechargeStarted>.Ok(new RechargeStarted(intent.Id, intent.Status));
        }
        catch (Exception e) when (Fail<RechargeStarted>(e, "charge the saved card") is { } failure)
        {
            return failure;
        }
    }

    public string? RefundRefusal(string purchaseRef) => purchaseRef.StartsWith("cs_", StringComparison.Ordinal)
        ? null
        : "Only Stripe Checkout purchases (cs_...) can be refunded to the card.";

    public async Task<GatewayResult<RefundStarted>> RefundAsync(RefundStart r, CancellationToken ct = default)
    {
        try
        {
            var session = await stripe.V1.Checkout.Sessions.GetAsync(r.PurchaseRef, cancellationToken: ct);
            if (AccountOf(session.Metadata) != r.AccountId || session.PaymentIntentId is null)
                return GatewayResult<RefundStarted>.Fail(PaymentErrorKind.Invalid, "That checkout is not a paid purchase of this account.");
            var options = new RefundCreateOptions
            {
                PaymentIntent = session.PaymentIntentId,
                Amount = r.AmountCents,
                Reason = "requested_by_customer",
                Metadata = new()
                {
                    [Meta.AccountId] = Id(r.AccountId),
                    ["purchase"] = r.PurchaseRef,
                    ["requested_by"] = r.Actor,
                    [Meta.RequestId] = r.RequestId.ToString("N"),
                },
            };
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var refund = await stripe.V1.Refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = RefundKey(r.RequestId, attempt) }, ct);
                    return GatewayResult<RefundStarted>.Ok(new RefundStarted(refund.Id, refund.Status ?? "", refund.Amount));
                }
                catch (StripeException e) when (attempt < MaxRefundAttempts - 1 && IsStoredServerError(e))
                {
                    // Stripe stores a server error under its key and answers it again for a day, so asking again with
                    // the key cannot get past it. Whether that attempt refunded is read from the refunds themselves;
                    // if none carries the request id, the next key asks again (the same next key for concurrent retries).
                    if (await RefundOfRequestAsync(session.PaymentIntentId, r.RequestId, ct) is { } made)
                        return GatewayResult<RefundStarted>.Ok(new RefundStarted(made.Id, made.Status ?? "", made.Amount));
                    log.LogWarning("Stripe answered refund request {RequestId} with its stored server error (attempt {Attempt}) and no refund carries it: asking again under a new key",
                        r.RequestId, attempt);
                }
            }
        }
        catch (Exception e) when (Fail<RefundStarted>(e, "refund the purchase") is { } failure)
        {
            return failure;
        }
    }

    /// <summary>Keys tried for one refund request, in turn, while Stripe answers each with a stored server error.</summary>
    private const int MaxRefundAttempts = 3;

    private static string RefundKey(Guid requestId, int attempt) => attempt == 0 ? $"refund-{requestId:N}" : $"refund-{requestId:N}-{attempt}";

    /// <summary>A 5xx that Stripe replayed from its idempotency store (header Idempotent-Replayed), not a new failure.</summary>
    private static bool IsStoredServerError(StripeException e) =>
        (int)e.HttpStatusCode >= 500 && e.StripeResponse?.Headers is { } headers
        && headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true", StringComparer.OrdinalIgnoreCase);

    private async Task<Refund?> RefundOfRequestAsync(string paymentIntentId, Guid requestId, CancellationToken ct)
    {
        var id = requestId.ToString("N");
        await foreach (var refund in stripe.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = paymentIntentId, Limit = 100 }, cancellationToken: ct))
            if (refund.Metadata?.GetValueOrDefault(Meta.RequestId) == id)
                return refund;
        return null;
    }

    public async Task<GatewayResult<SavedCard>> GetSetupCardAsync(string setupReference, CancellationToken ct = default)
    {
        try
        {
            var setup = await stripe.V1.SetupIntents.GetAsync(setupReference, cancellationToken: ct);
            return setup.PaymentMethodId is { } pm
                ? GatewayResult<SavedCard>.Ok(await CardAsync(pm, ct))
                : GatewayResult<SavedCard>.Fail(PaymentErrorKind.Invalid, $"SetupIntent {setup.Id} has no payment method.");
        }
        catch (Exception e) when (Fail<SavedCard>(e, "read the saved card") is { } failure)
        {
            return failure;
        }
    }

    public async Task<GatewayResult<SavedCard>> GetPaymentCardAsync(string paymentId, CancellationToken ct = default)
    {
        try
        {
            var intent = await stripe.V1.PaymentIntents.GetAsync(paymentId, cancellationToken: ct);
            return intent.PaymentMethodId is { } pm
                ? GatewayResult<SavedCard>.Ok(await CardAsync(pm, ct))
                : GatewayResult<SavedCard>.Fail(PaymentErrorKind.Invalid, $"PaymentIntent {intent.Id} has no payment method.");
        }
        catch (Exception e) when (Fail<SavedCard>(e, "read the card of the payment") is { } failure)
        {
            return failure;
        }
    }

    private async Task<SavedCard> CardAsync(string paymentMethodId, CancellationToken ct)
    {
        var pm = await stripe.V1.PaymentMethods.GetAsync(paymentMethodId, cancellationToken: ct);
        return new SavedCard(pm.Id, pm.Card?.Brand ?? pm.Type ?? "card", pm.Card?.Last4 ?? "");
    }

    public async Task<GatewayResult<IReadOnlyList<RefundSettled>>> ListRefundsAsync(string paidReference, CancellationToken ct = default)
    {
        try
        {
            var refunds = new List<Refund>();
            await foreach (var refund in stripe.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { Charge = paidReference, Limit = 100 }, cancellationToken: ct))
                refunds.Add(refund);
            return GatewayResult<IReadOnlyList<RefundSettled>>.Ok(Settled(refunds));
        }
        catch (Exception e) when (Fail<IReadOnlyList<RefundSettled>>(e, "list the refunds") is { } failure)
        {
            return failure;
        }
    }

    public async Task<GatewayResult<PaymentOfCharge>> GetPaymentOfChargeAsync(string chargeReference, CancellationToken ct = default)
    {
        try
        {
            var charge = await stripe.V1.Charges.GetAsync(chargeReference, cancellationToken: ct);
            return GatewayResult<PaymentOfCharge>.Ok(new PaymentOfCharge(charge.PaymentIntentId));
        }
        catch (Exception e) when (Fail<PaymentOfCharge>(e, "read the charge") is { } failure)
        {
            return failure;
        }
    }

    /// <summary>The Checkout Session that made the PaymentIntent, else the PaymentIntent itself (an auto-recharge).</summary>
    public async Task<GatewayResult<PaymentReceived>> FindPaymentAsync(string paymentId, CancellationToken ct = default)
    {
        try
        {
            var sessions = await stripe.V1.Checkout.Sessions.ListAsync(new SessionListOptions { PaymentIntent = paymentId, Limit = 1 }, cancellationToken: ct);
            if (sessions.Data.FirstOrDefault() is { } session)
                return GatewayResult<PaymentReceived>.Ok(Received(session));
            return GatewayResult<PaymentReceived>.Ok(Received(await stripe.V1.PaymentIntents.GetAsync(paymentId, cancellationToken: ct)));
        }
        catch (Exception e) when (Fail<PaymentReceived>(e, "read the payment") is { } failure)
        {
            return failure;
        }
    }

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static SessionLineItemOptions LineItem(string name, long cents) => new()
    {
        Quantity = 1,
        PriceData = new SessionLineItemPriceDataOptions
        {
            Currency = Currency,
            UnitAmount = cents,
            ProductData = new SessionLineItemPriceDataProductDataOptions { Name = name },
        },
    };

    /// <summary>The one mapping from Stripe failures to what the console says; null lets unexpected exceptions through.</summary>
    private GatewayResult<T>? Fail<T>(Exception e, string action) where T : class
    {
        switch (e)
        {
            case StripeException { StripeError.Type: "card_error" } card:
                log.LogInformation("Stripe declined to {Action}: {Code} {Message}", action, card.StripeError.DeclineCode ?? card.StripeError.Code, card.Message);
                return GatewayResult<T>.Fail(PaymentErrorKind.Declined, DeclineReasons.Describe(card.StripeError.DeclineCode ?? card.StripeError.Code,
                    card.StripeError.Message ?? card.Message));
            case StripeException { HttpStatusCode: var status } refused when (int)status is >= 400 and < 500 && (int)status != 429:
                log.LogWarning("Stripe refused to {Action}: {Status} {Message}", action, status, refused.Message);
                return GatewayResult<T>.Fail(PaymentErrorKind.Invalid, $"Stripe refused to {action}: {refused.StripeError?.Message ?? refused.Message}");
            case StripeException or HttpRequestException or TaskCanceledException:
                log.LogWarning(e, "Stripe could not {Action}", action);
                return GatewayResult<T>.Fail(PaymentErrorKind.Unavailable, $"We couldn't reach our payment provider to {action}; please try again.");
            default:
                return null;
        }
    }
}
