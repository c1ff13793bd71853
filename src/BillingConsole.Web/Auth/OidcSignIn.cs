using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace BillingConsole.Web.Auth;

/// <summary>
/// OpenID Connect sign-in: authorization code with PKCE against <see cref="OidcSettings.Authority"/>, a confidential
/// client, tokens validated by the handler. On the way back the provider's claims (<c>sub</c>, <c>email</c>,
/// <c>name</c>, <c>role</c>; inbound claim mapping off) are turned into the console's own session by
/// <see cref="ConsoleSessions"/>: the user is found by the provider's <c>(iss, sub)</c> (a verified email only links a
/// pre-created user on the first sign-in: <see cref="UserDirectory.SignInAsync"/>), the accounts come from the app's
/// membership table, and a provider role <c>billing_admin</c> becomes the admin role.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static void Configure(OpenIdConnectOptions o, OidcSettings settings)
    {
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = settings.ClientSecret;
        o.RequireHttpsMetadata = !settings.IsLoopbackHttp;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = BillingClaims.Name;
        o.TokenValidationParameters.RoleClaimType = BillingClaims.Role;
        o.Scope.Clear();
        foreach (var scope in settings.Scopes)
            o.Scope.Add(scope);
        // The id token is kept in the session cookie only as the hint for signing out of the provider.
        o.SaveTokens = true;
        o.SignedOutRedirectUri = "/signin?signedout=1";
        o.Events.OnTokenValidated = OnTokenValidatedAsync;
        o.Events.OnRemoteFailure = context => FailAsync(context, context.Failure, "provider");
        o.Events.OnAccessDenied = context => FailAsync(context, null, "cancelled");
    }

    private static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        var provider = context.Principal!;
        var subject = provider.FindFirst("sub");
        var email = provider.FindFirstValue("email");
        if (subject is null || string.IsNullOrWhiteSpace(subject.Value) || string.IsNullOrWhiteSpace(email))
        {
            context.Fail("The identity provider did not send the sub and email claims (ask for the email scope).");
            return;
        }
        // The claim's issuer is the validated iss of the ID token: the subject is unique only together with it.
        var identity = new ProviderIdentity(subject.Issuer, subject.Value, email, IsEmailVerified(provider), provider.FindFirstValue("name"));
        var services = context.HttpContext.RequestServices;
        var user = await services.GetRequiredService<UserDirectory>().SignInAsync(identity, context.HttpContext.RequestAborted);
        // Only the one provider role the console knows is carried over; any other provider role means nothing here.
        var roles = provider.FindAll("role").Any(c => c.Value == Roles.BillingAdmin) ? [Roles.BillingAdmin] : Array.Empty<string>();
        context.Principal = await services.GetRequiredService<ConsoleSessions>()
            .CreateAsync(user, subject.Value, roles, context.HttpContext.RequestAborted);
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
            .LogInformation("User {UserId} signed in through OpenID Connect.", user.Id);
    }

    /// <summary><c>email_verified</c> is true as a JSON boolean (the token handler turns it into the text "true") or as
    /// the string "true" that some providers send. Missing or anything else is unverified.</summary>
    public static bool IsEmailVerified(ClaimsPrincipal provider) =>
        string.Equals(provider.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);

    private static Task FailAsync(HandleRequestContext<RemoteAuthenticationOptions> context, Exception? failure, string error)
    {
        if (failure is not null)
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn))
                .LogWarning(failure, "OpenID Connect sign-in failed.");
        context.Response.Redirect($"/signin?error={error}");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
