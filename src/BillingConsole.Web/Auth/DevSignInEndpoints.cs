using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

/// <summary>Development sign-in: pick one of the seeded users, no password. Mapped only in the Development environment
/// and only while no OpenID Connect provider is configured; elsewhere the route does not exist.</summary>
public static class DevSignInEndpoints
{
    public static bool IsEnabled(IHostEnvironment environment, OidcSettings? oidc) => environment.IsDevelopment() && oidc?.Enabled != true;

    public static WebApplication MapDevSignIn(this WebApplication app)
    {
        if (!IsEnabled(app.Environment, app.Services.GetRequiredService<IOptions<OidcSettings>>().Value))
            return app;
        // [FromForm] parameters make the endpoint validate the antiforgery token (400 without a valid one).
        app.MapPost("/auth/dev-signin", async (HttpContext context, UserDirectory users, ConsoleSessions sessions,
            [FromForm] string email, [FromForm] string? returnUrl) =>
        {
            var user = await users.FindByEmailAsync(email, context.RequestAborted);
            if (user is null)
                return Results.LocalRedirect("/signin?error=unknown-user");
            var session = await sessions.CreateAsync(user, $"user:{user.Id}", [], context.RequestAborted);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, session);
            // Only local paths: an absolute URL here would be an open redirect.
            return Results.LocalRedirect(ReturnUrls.LocalOr(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
