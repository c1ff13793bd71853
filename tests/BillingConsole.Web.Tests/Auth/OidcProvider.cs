using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>
/// A real OpenID Connect provider on loopback for tests: OpenIddict (authorization code + PKCE, end session) on its own
/// Kestrel host at http://127.0.0.1:&lt;free port&gt;, with its client store in EF Core InMemory (the provider's data
/// only; the console under test uses SQLite). The authorize endpoint approves at once and signs in the test user chosen
/// by <see cref="LoginUrl"/> (a cookie on the provider), so each browser context can be a different person.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "billing-console-tests";
    public const string ClientSecret = "test-client-secret-3b7f1c";
    private const string UserCookie = "test_idp_user";

    private readonly WebApplication _app;
    private int _endSessions;

    private OidcProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The issuer, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Authority { get; }

    /// <summary>How many times a client sent the browser to the end-session endpoint.</summary>
    public int EndSessions => Volatile.Read(ref _endSessions);

    /// <summary>Visit this in the browser to choose who the provider signs in next, with a verified email.</summary>
    public string LoginUrl(string subject, string email, string name, params string[] roles) =>
        LoginUrl(subject, email, name, EmailVerifiedClaim.True, roles);

    /// <summary>Visit this to choose who the provider signs in next and what its ID token says about the email.</summary>
    public string LoginUrl(string subject, string email, string name, EmailVerifiedClaim verified, params string[] roles) =>
        new Uri(Authority, $"test/login?sub={Uri.EscapeDataString(subject)}&email={Uri.EscapeDataString(email)}" +
            $"&name={Uri.EscapeDataString(name)}&roles={Uri.EscapeDataString(string.Join(",", roles))}&verified={verified}").ToString();

    public static async Task<OidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            ApplicationName = typeof(OidcProvider).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var store = $"oidc-provider-{Guid.NewGuid():N}";
        builder.Services.AddDbContext<ProviderDbContext>(o =>
        {
            o.UseInMemoryDatabase(store);
            o.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ProviderDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/endsession");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                o.DisableAccessTokenEncryption();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        var app = builder.Build();
        app.UseAuthentication();

        app.MapGet("/test/login", (HttpContext context, string sub, string email, string name, string? roles, EmailVerifiedClaim? verified) =>
        {
            context.Response.Cookies.Append(UserCookie, string.Join('\n', sub, email, name, roles ?? "", verified ?? EmailVerifiedClaim.True),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return Results.Text($"The provider will sign in {email}.");
        });
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) =>
        {
            var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            if (!context.Request.Cookies.TryGetValue(UserCookie, out var chosen))
                return Results.BadRequest("No test user: open /test/login first.");
            var parts = chosen.Split('\n');
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, parts[0]).SetClaim(Claims.Email, parts[1]).SetClaim(Claims.Name, parts[2]);
            identity.SetClaims(Claims.Role, [.. parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries)]);
            if (EmailVerifiedValue(Enum.Parse<EmailVerifiedClaim>(parts[4])) is { } verified)
                identity.AddClaim(verified);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        OidcProvider? provider = null;
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], () =>
        {
            Interlocked.Increment(ref provider!._endSessions);
            // Back to the client's registered post_logout_redirect_uri.
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        provider = new OidcProvider(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        return provider;
    }

    /// <summary>Registers the console as a confidential client with its callback URLs (known once it has started).</summary>
    public async Task RegisterClientAsync(Uri console)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "BillingConsole (tests)",
            RedirectUris = { new Uri(console, "signin-oidc") },
            PostLogoutRedirectUris = { new Uri(console, "signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    /// <summary>The ID token's <c>email_verified</c>: a JSON boolean (OpenIddict writes a boolean-typed claim as one),
    /// the string "true", or absent.</summary>
    private static Claim? EmailVerifiedValue(EmailVerifiedClaim verified) => verified switch
    {
        EmailVerifiedClaim.True => new Claim(Claims.EmailVerified, "true", ClaimValueTypes.Boolean),
        EmailVerifiedClaim.False => new Claim(Claims.EmailVerified, "false", ClaimValueTypes.Boolean),
        EmailVerifiedClaim.TrueAsString => new Claim(Claims.EmailVerified, "true", ClaimValueTypes.String),
        _ => null,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class ProviderDbContext(DbContextOptions<ProviderDbContext> options) : DbContext(options);
}
