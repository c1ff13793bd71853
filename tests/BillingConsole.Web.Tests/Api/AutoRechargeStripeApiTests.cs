using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Tests.Payments;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace BillingConsole.Web.Tests.Api;

/// <summary><c>/billing/auto-recharge</c> on the whole console with Stripe configured (the loopback fake): turning it on
/// needs a saved card, and the card saved by a setup-mode Checkout (its webhook over HTTP) is what GET shows and PUT names.</summary>
public sealed class AutoRechargeStripeApiTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;
    private TestConsoleHost _host = null!;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _host = new TestConsoleHost("Development", new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_x",
            ["Stripe:WebhookSecret"] = PaymentsHost.WebhookSecret,
            ["Stripe:ApiBase"] = _stripe.Url,
            ["Stripe:MaxNetworkRetries"] = "0",
        });
        _host.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();

    [Fact]
    public async Task Put_EnableWithoutACard_Is400AndChangesNothing_ThenTheCardSavedThroughCheckoutIsShownAndAccepted()
    {
        var (account, _, secret) = await _host.CreateCustomerAsync(Money.FromDollars(1));
        using var client = _host.Client(secret);

        var refused = await client.PutAsJsonAsync("/billing/auto-recharge", new { enabled = true, threshold = 10, amount = 25 }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await JsonAsync(refused);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.Contains("Save a card", problem.GetProperty("detail").GetString());
        var before = await JsonAsync(await client.GetAsync("/billing/auto-recharge", Ct));
        Assert.Equal((false, true, JsonValueKind.Null), (before.GetProperty("enabled").GetBoolean(), before.GetProperty("card_required").GetBoolean(),
            before.GetProperty("threshold").ValueKind));

        var started = await _host.Services.GetRequiredService<AutoRechargeControls>().StartCardSetupAsync(Guid.NewGuid(), account, _host.BaseAddress.ToString(), Ct);
        var payload = StripeObjects.Event(EventTypes.CheckoutSessionCompleted, _stripe.CompleteSetupSession(started.RefId!, "pm_card_mastercard"));
        using var webhook = new StringContent(payload, Encoding.UTF8, "application/json");
        webhook.Headers.Add("Stripe-Signature", StripeObjects.Sign(payload, PaymentsHost.WebhookSecret));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/stripe/webhook", webhook, Ct)).StatusCode);

        var saved = await JsonAsync(await client.GetAsync("/billing/auto-recharge", Ct));
        Assert.Equal(("pm_card_mastercard", "mastercard", "4444"), (saved.GetProperty("payment_method").GetString(),
            saved.GetProperty("card").GetProperty("brand").GetString(), saved.GetProperty("card").GetProperty("last4").GetString()));
        var other = await client.PutAsJsonAsync("/billing/auto-recharge", new { enabled = true, threshold = 10, amount = 25, payment_method = "pm_card_visa" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        var on = await client.PutAsJsonAsync("/billing/auto-recharge", new { enabled = true, threshold = 10, amount = 25, payment_method = "pm_card_mastercard" }, Ct);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.True((await JsonAsync(on)).GetProperty("enabled").GetBoolean());
    }
}
