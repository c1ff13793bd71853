using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.StaticAssets;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuthExtensions
{
    private const string Selector = "BearerOrCookie";

    /// <summary>Browser sessions use a cookie; API callers send a bearer API key. One policy scheme picks per request,
    /// and API endpoints answer 401/403 with problem+json instead of redirecting to the sign-in page. With
    /// <c>Auth:Oidc:Authority</c> configured the session is opened by OpenID Connect; without it (Development only) by the
    /// development sign-in.</summary>
    public static WebApplicationBuilder AddConsoleAuth(this WebApplicationBuilder builder)
    {
        var oidc = builder.Configuration.GetSection(OidcSettings.Section).Get<OidcSettings>() ?? new OidcSettings();
        builder.Services.AddOptions<OidcSettings>().BindConfiguration(OidcSettings.Section).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<OidcSettings>, OidcSettingsValidator>();

        var authentication = builder.Services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key or session", o => o.ForwardDefaultSelector = ctx =>
                ApiKeyAuthenticationHandler.BearerToken(ctx.Request) is null
                    ? CookieAuthenticationDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "billingconsole.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // With OpenID Connect a protected page goes straight to the provider (through /auth/signin, which checks
                // the return URL); the sign-in page itself stays for signed-out users and errors.
                o.LoginPath = oidc.Enabled ? SessionEndpoints.ChallengePath : "/signin";
                o.ReturnUrlParameter = "returnUrl";
                o.AccessDeniedPath = "/access-denied";
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.Events.OnRedirectToLogin = ctx => IsApi(ctx.HttpContext)
                    ? Problems.WriteAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "unauthorized", "Sign in or send an API key.")
                    : Redirect(ctx);
                o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.HttpContext)
                    ? Problems.WriteAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "You may not do that.")
                    : Redirect(ctx);
                o.Events.OnValidatePrincipal = RefreshSessionAsync;
            });
        if (oidc.Enabled)
            authentication.AddOpenIdConnect(OidcSignIn.Scheme, oidc.DisplayName, o => OidcSignIn.Configure(o, oidc));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BillingClaims.SessionPolicy, p => p.RequireAuthenticatedUser().RequireClaim(BillingClaims.UserId))
            .AddPolicy(BillingClaims.CustomerPolicy, p => CustomerPolicy(p, AccountRoles.Viewer))
            .AddPolicy(BillingClaims.AccountDeveloperPolicy, p => CustomerPolicy(p, AccountRoles.Developer))
            .AddPolicy(BillingClaims.AccountOwnerPolicy, p => CustomerPolicy(p, AccountRoles.Owner))
            .AddPolicy(BillingClaims.BillingAdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(BillingClaims.UserId).RequireRole(Roles.BillingAdmin))
            .AddPolicy(BillingClaims.MeteringPolicy, p => p.RequireAuthenticatedUser().RequireRole(BillingClaims.MeteringServiceRole))
            .AddPolicy(BillingClaims.AdminTokenPolicy, p => p.RequireAuthenticatedUser().RequireRole(BillingClaims.AdminServiceRole));
        builder.Services.AddSingleton<IAuthorizationHandler, KeyScopeAuthorizationHandler>();
        builder.Services.AddSingleton<IAuthorizationHandler, AccountRoleAuthorizationHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenProblemResultHandler>();
        builder.Services.AddSingleton<ServiceTokens>();
        builder.Services.AddSingleton<AdminTokens>();
        builder.Services.AddOptions<AdminTokenOptions>().BindConfiguration(AdminTokenOptions.Section)
            .Validate(o => o.Tokens.All(t => t.IsValid), AdminTokenOptions.InvalidMessage).ValidateOnStart();
        builder.Services.AddSingleton<MembershipLookup>();
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddOptions<SessionRevalidationOptions>().BindConfiguration(SessionRevalidationOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.Interval <= SessionRevalidationOptions.MaxInterval, SessionRevalidationOptions.InvalidMessage)
            .ValidateOnStart();
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        builder.Services.AddScoped<AccountGate>();
        builder.Services.AddOptions<MeteringOptions>().BindConfiguration("Metering");
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>The session endpoints (/auth/*, /admin/whoami) and, in Development without OpenID Connect, the
    /// development sign-in.</summary>
    /// <summary>The scope an API key needs to call these endpoints (<c>ApiKeyScopes</c>); see <see cref="KeyScopeAuthorizationHandler"/>.</summary>
    public static TBuilder RequireKeyScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new KeyScopeMetadata(scope));

    /// <summary>The customer action these endpoints perform (<see cref="AccountPermissions"/>): names the customer policy of its
    /// lowest role and declares it for the authorization matrix.</summary>
    public static TBuilder RequireAccountAccess<TBuilder>(this TBuilder builder, CustomerAction action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccountAccessAttribute(action));

    /// <summary>A customer policy: an account is attached, an API key holds the endpoint's scope, and a session's role
    /// in the account is at least <paramref name="minimumRole"/>.</summary>
    private static void CustomerPolicy(AuthorizationPolicyBuilder policy, string minimumRole) =>
        policy.RequireAuthenticatedUser().RequireClaim(BillingClaims.AccountId)
            .AddRequirements(new KeyScopeRequirement(), new AccountRoleRequirement(minimumRole));

    public static WebApplication MapConsoleAuth(this WebApplication app)
    {
        app.MapSessionEndpoints();
        app.MapDevSignIn();
        return app;
    }

    private static bool IsApi(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null;

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Every request re-reads the session's user and role (one indexed read), so a deleted user is signed out, a
    /// removed membership stops acting for that account and a changed role applies from the very next request. The
    /// cookie is rewritten only when something changed.</summary>
    private static async Task RefreshSessionAsync(CookieValidatePrincipalContext context)
    {
        // Static files (scripts, styles, images) read no account data: a page load does not pay a lookup per file.
        if (context.Principal is not { } session || context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
            return;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>();
        var refreshed = await sessions.RefreshAsync(session, context.HttpContext.RequestAborted);
        if (refreshed is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (ReferenceEquals(refreshed, session))
            return;
        context.ReplacePrincipal(refreshed);
        context.ShouldRenew = true;
    }
}
