using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using BillingConsole.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuthExtensions
{
    private const string Selector = "BearerOrCookie";

    /// <summary>Browser sessions use a cookie; API callers send a bearer API key. One policy scheme picks per request,
    /// and API endpoints answer 401/403 with problem+json instead of redirecting to the sign-in page.</summary>
    public static WebApplicationBuilder AddConsoleAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(Selector)
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
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/access-denied";
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.Events.OnRedirectToLogin = ctx => IsApi(ctx.HttpContext)
                    ? Problems.WriteAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "unauthorized", "Sign in or send an API key.")
                    : Redirect(ctx);
                o.Events.OnRedirectToAccessDenied = ctx => IsApi(ctx.HttpContext)
                    ? Problems.WriteAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "forbidden", "You may not do that.")
                    : Redirect(ctx);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BillingClaims.CustomerPolicy, p => p.RequireAuthenticatedUser().RequireClaim(BillingClaims.AccountId))
            .AddPolicy(BillingClaims.MeteringPolicy, p => p.RequireAuthenticatedUser().RequireRole(BillingClaims.MeteringServiceRole));
        builder.Services.AddSingleton<ServiceTokens>();
        builder.Services.AddOptions<MeteringOptions>().BindConfiguration("Metering");
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    private static bool IsApi(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null;

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
