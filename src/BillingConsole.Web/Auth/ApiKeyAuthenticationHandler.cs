using System.Security.Claims;
using System.Text.Encodings.Web;
using BillingConsole.Web.Api;
using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c>: a gateway's metering token (role
/// metering_service, no account) or a customer API key, looked up by its SHA-256 hash so no secret is ever compared
/// character by character or stored. A revoked or expired key authenticates as nothing (401); a key's scopes become
/// <see cref="BillingClaims.Scope"/> claims, which <see cref="KeyScopeAuthorizationHandler"/> checks.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    ServiceTokens serviceTokens,
    AdminTokens adminTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = BearerToken(Request);
        if (secret is null)
            return AuthenticateResult.NoResult();
        if (serviceTokens.IsMeteringToken(secret))
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(BillingClaims.Role, BillingClaims.MeteringServiceRole), new Claim(BillingClaims.Name, "metering gateway")],
                SchemeName, BillingClaims.Name, BillingClaims.Role)), SchemeName));
        if (adminTokens.Match(secret) is { } tokenName)
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(BillingClaims.Role, BillingClaims.AdminServiceRole), new Claim(BillingClaims.Name, tokenName)],
                SchemeName, BillingClaims.Name, BillingClaims.Role)), SchemeName));
        var key = await keys.FindUsableAsync(secret, Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("Unknown, revoked or expired API key.");
        var identity = new ClaimsIdentity(
        [
            new Claim(BillingClaims.AccountId, key.AccountId.ToString()),
            new Claim(BillingClaims.ApiKeyId, key.Id.ToString()),
            new Claim(BillingClaims.Name, key.Name),
            .. ApiKeyScopes.Parse(key.Scopes).Select(scope => new Claim(BillingClaims.Scope, scope)),
        ], SchemeName, BillingClaims.Name, BillingClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized",
            "A valid API key is required: Authorization: Bearer <key>.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "This key may not do that.");

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }
}
