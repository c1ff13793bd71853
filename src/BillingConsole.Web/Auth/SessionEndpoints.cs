using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Auth;

public sealed record WhoAmIResponse(long UserId, string Name, string? Email, IReadOnlyList<string> Roles, long? AccountId);

/// <summary>
/// The browser session's own endpoints. Every one declares who may call it: <c>/auth/signin</c> and
/// <c>/auth/signout</c> are anonymous (they start and end sessions), switching accounts needs a session, and
/// <c>/admin/whoami</c> is for billing staff. The form posts are protected by antiforgery tokens.
/// </summary>
public static class SessionEndpoints
{
    public const string ChallengePath = "/auth/signin";

    public static WebApplication MapSessionEndpoints(this WebApplication app)
    {
        // Starts the OpenID Connect sign-in and comes back to a local path only. Without OpenID Connect: the sign-in page.
        app.MapGet(ChallengePath, (HttpContext context, IOptions<OidcSettings> oidc, [FromQuery] string? returnUrl) =>
        {
            var target = ReturnUrls.LocalOr(returnUrl);
            if (!oidc.Value.Enabled)
                return Results.LocalRedirect($"/signin?returnUrl={Uri.EscapeDataString(target)}");
            return Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OidcSignIn.Scheme]);
        }).AllowAnonymous().ExcludeFromDescription();

        // A POST with an antiforgery token: a link or an image on another site cannot sign anyone out. With OpenID
        // Connect the provider's session ends too (id_token_hint from the session), then the provider sends the browser
        // back to the sign-in page.
        app.MapPost("/auth/signout", async (HttpContext context, IAntiforgery antiforgery, IOptions<OidcSettings> oidc) =>
        {
            if (!await IsFormValidAsync(antiforgery, context))
                return Problems.Create(StatusCodes.Status400BadRequest, "invalid_request", "The form has expired; reload the page and sign out again.");
            var idToken = await context.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, "id_token");
            if (oidc.Value.Enabled && idToken is not null)
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/signin?signedout=1" },
                    [CookieAuthenticationDefaults.AuthenticationScheme, OidcSignIn.Scheme]);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/signin?signedout=1");
        }).AllowAnonymous().ExcludeFromDescription();

        // The session acts for one account at a time; a member of several switches here (the app bar's account menu).
        // The account must be one of the user's own: any other id, existing or not, gets the same 403.
        app.MapPost("/auth/switch-account", async (HttpContext context, ConsoleSessions sessions, UserDirectory users,
            [FromForm(Name = "account_id")] string? accountId, [FromForm] string? returnUrl) =>
        {
            var userId = context.User.GetUserId()!.Value;
            if (!long.TryParse(accountId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || await users.FindMembershipAsync(userId, id, context.RequestAborted) is not { } membership)
                return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "You are not a member of that account.");
            var current = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (!current.Succeeded)
                return Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "Sign in first.");
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, sessions.WithAccount(current.Principal, membership),
                current.Properties);
            return Results.LocalRedirect(ReturnUrls.LocalOr(returnUrl));
        }).RequireAuthorization(BillingClaims.SessionPolicy).ExcludeFromDescription();

        app.MapGet("/admin/whoami", (ClaimsPrincipal user) => TypedResults.Ok(new WhoAmIResponse(
                user.GetUserId()!.Value,
                user.FindFirstValue(BillingClaims.Name) ?? "",
                user.FindFirstValue(BillingClaims.Email),
                user.FindAll(BillingClaims.Role).Select(c => c.Value).ToList(),
                user.GetAccountId())))
            .RequireAuthorization(BillingClaims.BillingAdminPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Admin");
        return app;
    }

    /// <summary>Whether the antiforgery token checks out. A body that cannot be read as a form (a broken multipart
    /// body, say) makes the antiforgery service throw; that is the client's error, not a 500.</summary>
    private static async Task<bool> IsFormValidAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
