using BillingConsole.Accounting.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Checks <see cref="KeyScopeRequirement"/>. The scope needed is the endpoint's <see cref="KeyScopeMetadata"/>; a page
/// declares none and needs <see cref="ApiKeyScopes.BillingRead"/> (it only renders the account's data for a key); an
/// API endpoint that declares none refuses every key, so a new endpoint is closed to keys until it names its scope.
/// Callers that are not API keys (sessions) pass: roles decide for them.
/// </summary>
public sealed class KeyScopeAuthorizationHandler : AuthorizationHandler<KeyScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyScopeRequirement requirement)
    {
        if (context.User.GetKeyScopes() is not { } held)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        // The middleware passes the HttpContext; a page's AuthorizeRouteView passes its RouteData (a page: billing:read).
        var required = context.Resource is HttpContext http ? RequiredScope(http) : ApiKeyScopes.BillingRead;
        if (required is not null && held.Contains(required, StringComparer.Ordinal))
            context.Succeed(requirement);
        else
            context.Fail(new ScopeFailure(this, required));
        return Task.CompletedTask;
    }

    /// <summary>The scope a key needs for the endpoint of <paramref name="http"/>, or null when no key may call it.</summary>
    public static string? RequiredScope(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<KeyScopeMetadata>() is { } declared)
            return declared.Scope;
        return metadata?.GetMetadata<ComponentTypeMetadata>() is not null ? ApiKeyScopes.BillingRead : null;
    }

    /// <summary>Why a key was refused: it lacks <see cref="Scope"/> (null when the endpoint takes no key at all).</summary>
    public sealed class ScopeFailure(IAuthorizationHandler handler, string? scope)
        : AuthorizationFailureReason(handler, scope is null ? "No API key may call this endpoint." : $"The API key lacks the {scope} scope.")
    {
        public string? Scope { get; } = scope;
    }
}
