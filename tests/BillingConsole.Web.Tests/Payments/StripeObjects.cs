using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Stripe;

namespace BillingConsole.Web.Tests.Payments;

/// <summary>Stripe objects and events as JSON, shaped like the API's (only the fields the console reads, plus ids).</summary>
public static class StripeObjects
{
    public static JsonObject Session(string id, JsonObject metadata, long amountTotal, string? customer, string paymentStatus, string? paymentIntent,
        string status = "complete", string currency = "usd", string mode = "payment") => new()
    {
        ["id"] = id, ["object"] = "checkout.session", ["mode"] = mode, ["currency"] = currency, ["amount_total"] = amountTotal,
        ["amount_subtotal"] = amountTotal, ["customer"] = customer, ["payment_status"] = paymentStatus, ["status"] = status,
        ["payment_intent"] = paymentIntent, ["metadata"] = metadata, ["livemode"] = false, ["created"] = 1_800_000_000,
    };

    /// <summary>The metadata the console puts on its Checkout Sessions.</summary>
    public static JsonObject PurchaseMetadata(long accountId, long creditsCents, long feeCents, string package = "standard") => new()
    {
        ["account_id"] = accountId.ToString(), ["package_id"] = package, ["purchase_id"] = Guid.NewGuid().ToString("N"),
        ["credits_cents"] = creditsCents.ToString(), ["fee_cents"] = feeCents.ToString(),
    };

    public static JsonObject PaymentIntent(string id, long amount, string status, string? latestCharge, JsonObject metadata, string? customer,
        string? paymentMethod, string? failure = null) => new()
    {
        ["id"] = id, ["object"] = "payment_intent", ["amount"] = amount, ["amount_received"] = status == "succeeded" ? amount : 0,
        ["currency"] = "usd", ["status"] = status, ["latest_charge"] = latestCharge, ["metadata"] = metadata, ["customer"] = customer,
        ["payment_method"] = paymentMethod, ["livemode"] = false, ["created"] = 1_800_000_000,
        ["last_payment_error"] = failure is null ? null : new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = failure, ["message"] = "Your card was declined." },
    };

    public static JsonObject Charge(string id, string paymentIntent, long amount, long amountRefunded, IEnumerable<JsonObject>? refunds) => new()
    {
        ["id"] = id, ["object"] = "charge", ["amount"] = amount, ["amount_captured"] = amount, ["amount_refunded"] = amountRefunded,
        ["refunded"] = amountRefunded >= amount, ["currency"] = "usd", ["payment_intent"] = paymentIntent, ["paid"] = true, ["status"] = "succeeded",
        ["livemode"] = false, ["created"] = 1_800_000_000,
        ["refunds"] = refunds is null ? null : List(refunds, $"/v1/charges/{id}/refunds"),
    };

    public static JsonObject Refund(string id, string charge, string paymentIntent, long amount, string status, long created) => new()
    {
        ["id"] = id, ["object"] = "refund", ["amount"] = amount, ["charge"] = charge, ["payment_intent"] = paymentIntent, ["currency"] = "usd",
        ["status"] = status, ["created"] = created, ["metadata"] = new JsonObject(),
    };

    public static JsonObject Dispute(string id, string charge, string paymentIntent, long amount, string status) => new()
    {
        ["id"] = id, ["object"] = "dispute", ["amount"] = amount, ["charge"] = charge, ["payment_intent"] = paymentIntent, ["currency"] = "usd",
        ["status"] = status, ["reason"] = "fraudulent", ["livemode"] = false, ["created"] = 1_800_000_000, ["metadata"] = new JsonObject(),
        ["is_charge_refundable"] = false,
    };

    public static JsonObject List(IEnumerable<JsonObject> items, string url) => new()
    {
        ["object"] = "list", ["data"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()), ["has_more"] = false, ["url"] = url,
    };

    private static int _events;

    /// <summary>An event around <paramref name="obj"/>, in the API version this Stripe.net reads unless told otherwise.</summary>
    public static string Event(string type, JsonObject obj, string? id = null, string? apiVersion = null, bool livemode = false) => new JsonObject
    {
        ["id"] = id ?? $"evt_test{Interlocked.Increment(ref _events):D6}{Guid.NewGuid():N}"[..30],
        ["object"] = "event",
        ["api_version"] = apiVersion ?? StripeConfiguration.ApiVersion,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = livemode,
        ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = obj.DeepClone() },
    }.ToJsonString();

    /// <summary>A Stripe-Signature header computed here, not by Stripe.net: <c>t={ts},v1={hex HMAC-SHA256(secret, "{ts}.{payload}")}</c>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset? at = null)
    {
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{ts}.{payload}"));
        return $"t={ts},v1={Convert.ToHexStringLower(mac)}";
    }
}
