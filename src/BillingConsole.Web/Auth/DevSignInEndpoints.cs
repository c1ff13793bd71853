using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Auth;

/// <summary>Development sign-in: pick one of the seeded users, no password. Mapped only in the Development environment;
/// elsewhere the routes do not exist.</summary>
public static class DevSignInEndpoints
{
    public static bool IsEnabled(IHostEnvironment environment) => environment.IsDevelopment();

    public static WebApplication MapDevSignIn(this WebApplication app)
    {
        app.MapPost("/auth/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/signin");
        });
        if (!IsEnabled(app.Environment))
            return app;
        app.MapPost("/auth/dev-signin", async (HttpContext context, UserDirectory users, [FromForm] string email, [FromForm] string? returnUrl) =>
        {
            var user = await users.FindByEmailAsync(email, context.RequestAborted);
            if (user is null)
                return Results.LocalRedirect("/signin?error=unknown-user");
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ToPrincipal(user));
            // Only local paths: an absolute URL here would be an open redirect.
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/billing");
        });
        return app;
    }

    public static ClaimsPrincipal ToPrincipal(UserSummary user)
    {
        List<Claim> claims =
        [
            new(BillingClaims.UserId, user.Id.ToString()),
            new(BillingClaims.Name, user.DisplayName),
            new(ClaimTypes.Email, user.Email),
            new(BillingClaims.Role, user.Role),
        ];
        if (user.AccountId is { } accountId)
            claims.Add(new Claim(BillingClaims.AccountId, accountId.ToString()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, BillingClaims.Name, BillingClaims.Role));
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");
}
