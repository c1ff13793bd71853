using BillingConsole.Accounting.Payments;

namespace BillingConsole.Web.Payments.Webhooks;

/// <summary>One provider event, verified, as the webhook handles and records it: the envelope the event log keeps and
/// the neutral <see cref="Fact"/> the handlers act on (null: a type the console does not act on).</summary>
public sealed record ProviderEvent(string Id, string Type, bool Livemode, string ApiVersion, DateTime CreatedAt, string? ObjectId,
    string? PaymentId, PaymentFact? Fact, string Payload);

/// <summary>Why a delivery was refused before anything was recorded (answered 400 with <see cref="Code"/>).</summary>
public sealed record EventRefusal(string Code, string Detail);

/// <summary>
/// What the payment provider tells the console: verifies a delivery and parses it into a <see cref="ProviderEvent"/>.
/// A sibling of <see cref="IPaymentGateway"/> (what the console asks of the provider) rather than part of it: events
/// are verified with the webhook secret alone, so development mode (no API key, the development gateway) still
/// verifies and handles test-mode events, and the engine reads its event log through the same parser
/// (<see cref="IPaymentFactReader"/>) without a gateway.
/// </summary>
public interface IPaymentEvents : IPaymentFactReader
{
    /// <summary>The event, or why the delivery is refused (bad signature, payload, API version or mode).</summary>
    (ProviderEvent? Event, EventRefusal? Refusal) Verify(string payload, string? signature);

    /// <summary>A payload recorded when it arrived (verified then), for a replay.</summary>
    ProviderEvent Parse(string payload);
}
