using System.Globalization;
using BillingConsole.Accounting.Payments;
using Stripe;
using Stripe.Checkout;

namespace BillingConsole.Web.Payments;

/// <summary>
/// Everything the console knows of Stripe's objects, in one place: the metadata keys it writes and reads, and how a
/// Stripe event or API object becomes the engine's neutral <see cref="PaymentFact"/>. Nothing past this file (and
/// <see cref="StripeGateway"/>, <see cref="StripePaymentEvents"/>) reads a Stripe type.
/// </summary>
public static class StripeFacts
{
    /// <summary>Stripe as the engine names it: ledger keys <c>stripe:{object}:...</c>, actor <c>stripe</c>.</summary>
    public static readonly PaymentProvider Provider = new("stripe", "Stripe");

    public const string Currency = "usd";

    /// <summary>Metadata keys the console writes on Stripe objects and reads back in webhooks.</summary>
    public static class Meta
    {
        public const string AccountId = "account_id";
        public const string PackageId = "package_id";
        public const string PurchaseId = "purchase_id";
        public const string CreditsCents = "credits_cents";
        public const string FeeCents = "fee_cents";
        public const string RequestId = "request_id";
        public const string Kind = "kind";
        public const string Sequence = "sequence";
        public const string KindCheckout = "checkout";
        public const string KindAutoRecharge = "auto_recharge";
        public const string KindCardSetup = "card_setup";
    }

    /// <summary>The fact a Stripe event reports, or null for a type the console does not act on.</summary>
    public static PaymentFact? Of(Event e) => (e.Type, e.Data.Object) switch
    {
        (EventTypes.CheckoutSessionCompleted, Session { Mode: "setup" } s) => CardSetup(s),
        (EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded, Session s) => Received(s),
        (EventTypes.PaymentIntentSucceeded, PaymentIntent pi) => Received(pi),
        (EventTypes.PaymentIntentPaymentFailed, PaymentIntent pi) => Failed(pi),
        (EventTypes.ChargeRefunded, Charge c) => Refunds(c),
        (EventTypes.ChargeDisputeCreated, Dispute d) => Disputed(d, closed: false),
        (EventTypes.ChargeDisputeClosed, Dispute d) => Disputed(d, closed: true),
        _ => null,
    };

    /// <summary>The object an event is about and the PaymentIntent it belongs to, as the event log records them.</summary>
    public static (string? ObjectId, string? PaymentId) Ids(Event e) => e.Data.Object switch
    {
        Session s => (s.Id, s.PaymentIntentId),
        Charge c => (c.Id, c.PaymentIntentId),
        Dispute d => (d.Id, d.PaymentIntentId),
        PaymentIntent pi => (pi.Id, pi.Id),
        Refund r => (r.Id, r.PaymentIntentId),
        IHasId other => (other.Id, null),
        _ => (null, null),
    };

    /// <summary>A payment-mode Checkout Session: a purchase (paid when <c>payment_status=paid</c>).</summary>
    public static PaymentReceived Received(Session s)
    {
        var fee = s.Metadata is not null && s.Metadata.TryGetValue(Meta.FeeCents, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : 0;
        return new PaymentReceived(s.Id, AccountOf(s.Metadata), s.Mode == "payment" ? PaymentKind.Purchase : PaymentKind.Other,
            s.PaymentIntentId, s.PaymentStatus == "paid", s.Mode == "payment" ? s.PaymentStatus ?? "" : $"in {s.Mode} mode", s.Currency,
            s.AmountTotal ?? 0, fee, s.Metadata?.GetValueOrDefault(Meta.PackageId));
    }

    /// <summary>A PaymentIntent: an auto-recharge when the console tagged it so (Checkout's own are credited from their session).</summary>
    public static PaymentReceived Received(PaymentIntent pi) =>
        new(pi.Id, AccountOf(pi.Metadata), IsAutoRecharge(pi) ? PaymentKind.AutoRecharge : PaymentKind.Other, pi.Id,
            pi.Status == "succeeded" && pi.AmountReceived > 0, pi.Status ?? "", pi.Currency, pi.AmountReceived, 0, Sequence: SequenceOf(pi));

    private static PaymentMethodSaved CardSetup(Session s) =>
        new(s.Id, AccountOf(s.Metadata), s.Status == "complete" && s.SetupIntentId is not null, s.Status ?? "", s.SetupIntentId);

    private static PaymentFailed Failed(PaymentIntent pi)
    {
        var error = pi.LastPaymentError;
        return new(pi.Id, AccountOf(pi.Metadata), IsAutoRecharge(pi) ? PaymentKind.AutoRecharge : PaymentKind.Other, SequenceOf(pi),
            DeclineReasons.Describe(error?.DeclineCode ?? error?.Code, error?.Message), pi.Amount);
    }

    /// <summary>A charge's refunds; the list only when the event carries it complete (this API version does not include it).</summary>
    private static RefundsChanged Refunds(Charge c) =>
        new(c.Id, c.PaymentIntentId, c.AmountRefunded, c.Refunds is { HasMore: false, Data: { } listed } ? Settled(listed) : null);

    /// <summary>Refunds that moved (or will move) money: failed and canceled ones take nothing.</summary>
    public static IReadOnlyList<RefundSettled> Settled(IEnumerable<Refund> refunds) =>
        [.. refunds.Where(r => r.Status is not ("failed" or "canceled")).Select(r => new RefundSettled(r.Id, r.Amount, r.Created))];

    private static DisputeChanged Disputed(Dispute d, bool closed) =>
        new(d.Id, d.ChargeId, d.PaymentIntentId, d.Amount, d.Status switch
        {
            { } s when s.StartsWith("warning_", StringComparison.Ordinal) => DisputeState.Inquiry,
            "won" => DisputeState.Won,
            "lost" => DisputeState.Lost,
            "needs_response" or "under_review" => DisputeState.Open,
            _ => DisputeState.Other,
        }, d.Status ?? "", d.Reason, closed);

    public static bool IsAutoRecharge(PaymentIntent pi) => pi.Metadata?.GetValueOrDefault(Meta.Kind) == Meta.KindAutoRecharge;

    private static long? SequenceOf(PaymentIntent pi) =>
        long.TryParse(pi.Metadata?.GetValueOrDefault(Meta.Sequence), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static long? AccountOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(Meta.AccountId, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
