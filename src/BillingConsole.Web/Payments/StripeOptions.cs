using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Payments;

/// <summary><c>Stripe</c> configuration. Without <see cref="SecretKey"/> payments run in development mode (purchases
/// and recharges are granted instantly); the webhook still verifies events with <see cref="WebhookSecret"/>.</summary>
public sealed class StripeOptions
{
    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }

    /// <summary>Overrides https://api.stripe.com (tests point it at a loopback fake).</summary>
    public string? ApiBase { get; set; }

    /// <summary>Whether events must be live-mode ones. Default: live exactly when the secret key is a live key, so a
    /// test-mode console (and development) accepts test-mode events only.</summary>
    public bool? Livemode { get; set; }

    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>How old a signature may be (Stripe's default tolerance): older deliveries are refused as replays.</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;

    public bool HasSecretKey => !string.IsNullOrWhiteSpace(SecretKey);

    public bool ExpectedLivemode => Livemode ?? (SecretKey?.StartsWith("sk_live_", StringComparison.Ordinal) == true
        || SecretKey?.StartsWith("rk_live_", StringComparison.Ordinal) == true);
}

/// <summary>Outside Development the console refuses to start without real Stripe keys, naming what is missing.</summary>
public sealed class StripeOptionsValidator(IHostEnvironment environment) : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions o)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(o.WebhookSecret))
            missing.Add("Stripe:WebhookSecret");
        if (!environment.IsDevelopment() && !o.HasSecretKey)
            missing.Add("Stripe:SecretKey");
        if (missing.Count > 0)
            return ValidateOptionsResult.Fail($"Payments need {string.Join(" and ", missing)} (development mode without a secret key is for the Development environment only).");
        if (o.ApiBase is { } apiBase && !Uri.TryCreate(apiBase, UriKind.Absolute, out _))
            return ValidateOptionsResult.Fail("Stripe:ApiBase must be an absolute URL.");
        return ValidateOptionsResult.Success;
    }
}
