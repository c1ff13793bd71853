using Stripe;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary><c>checkout.session.completed</c>: credits the purchase when the session is paid (card payments); a
/// session paid by a delayed method is credited by <c>checkout.session.async_payment_succeeded</c> instead.
/// A setup-mode session ("Save a card") saves the card instead.</summary>
public sealed class CheckoutSessionCompletedHandler(CheckoutCrediting crediting, CardSaving cards) : IStripeEventHandler
{
    public string EventType => EventTypes.CheckoutSessionCompleted;

    public Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct) => e.Data.Object is Session { Mode: "setup" } setup
        ? cards.SaveFromSetupAsync(setup, ct)
        : crediting.CreditAsync((Session)e.Data.Object, ct);
}

/// <summary><c>checkout.session.async_payment_succeeded</c>: a delayed payment (bank debit) cleared.</summary>
public sealed class CheckoutSessionAsyncPaymentSucceededHandler(CheckoutCrediting crediting) : IStripeEventHandler
{
    public string EventType => EventTypes.CheckoutSessionAsyncPaymentSucceeded;

    public Task<HandlerOutcome> HandleAsync(Event e, CancellationToken ct) => crediting.CreditAsync((Session)e.Data.Object, ct);
}
