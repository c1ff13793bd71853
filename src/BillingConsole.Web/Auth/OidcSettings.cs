using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary><c>Auth:Oidc</c>: the identity provider the console signs people in with (authorization code + PKCE).
/// Without an authority the console offers the development sign-in, and only in Development.</summary>
public sealed class OidcSettings
{
    public const string Section = "Auth:Oidc";
    public const string AuthorityKey = Section + ":Authority";
    public const string ClientIdKey = Section + ":ClientId";
    public const string ClientSecretKey = Section + ":ClientSecret";

    /// <summary>The issuer, e.g. https://login.example.com/realms/billing (its /.well-known/openid-configuration is read).</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for; add your provider's roles scope (e.g. <c>roles</c>) if it releases the
    /// <c>role</c> claim only under one.</summary>
    public string Scope { get; set; } = "openid profile email";

    /// <summary>What the sign-in button says: "Continue with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Plain HTTP is accepted only for a provider on this machine (tests, a local provider), never across a network.</summary>
    public bool IsLoopbackHttp =>
        Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    public IEnumerable<string> Scopes => Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The provider's origin (scheme, host, port), which the sign-out redirect goes to.</summary>
    public string? Origin => Uri.TryCreate(Authority, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}

/// <summary>
/// Checked once at start-up (<c>ValidateOnStart</c>): outside Development the console has no other way to sign in, so it
/// refuses to start without OpenID Connect and names every missing setting. In Development the settings are optional,
/// but once any is given all three must be.
/// </summary>
public sealed class OidcSettingsValidator(IHostEnvironment environment) : IValidateOptions<OidcSettings>
{
    public ValidateOptionsResult Validate(string? name, OidcSettings o)
    {
        var given = !string.IsNullOrWhiteSpace(o.Authority) || !string.IsNullOrWhiteSpace(o.ClientId) || !string.IsNullOrWhiteSpace(o.ClientSecret);
        if (environment.IsDevelopment() && !given)
            return ValidateOptionsResult.Success;
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Authority))
            missing.Add(OidcSettings.AuthorityKey);
        if (string.IsNullOrWhiteSpace(o.ClientId))
            missing.Add(OidcSettings.ClientIdKey);
        if (string.IsNullOrWhiteSpace(o.ClientSecret))
            missing.Add(OidcSettings.ClientSecretKey);
        if (missing.Count > 0)
            return ValidateOptionsResult.Fail(
                $"OpenID Connect sign-in is not configured: set {string.Join(", ", missing)}" +
                (environment.IsDevelopment() ? "." : $" (the development sign-in exists only in Development; this is {environment.EnvironmentName})."));
        if (!Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && !o.IsLoopbackHttp))
            return ValidateOptionsResult.Fail($"{OidcSettings.AuthorityKey} must be an absolute https URL (plain http only for a loopback provider).");
        if (!o.Scopes.Contains("openid"))
            return ValidateOptionsResult.Fail($"{OidcSettings.Section}:Scope must include openid.");
        return ValidateOptionsResult.Success;
    }
}
