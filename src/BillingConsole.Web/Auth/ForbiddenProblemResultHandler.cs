using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Answers a key refused for a missing scope with 403 problem+json <c>insufficient_scope</c> (and the RFC 6750
/// <c>WWW-Authenticate</c> error), and a session refused on an API for its role in the account with 403
/// <c>insufficient_role</c>, so a client can tell "this key may not" and "this member may not" from "this account may
/// not"; every other outcome (a page refused for a role goes to the access-denied page) goes to the framework's handler.
/// </summary>
public sealed class ForbiddenProblemResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var reasons = authorizeResult.Forbidden ? authorizeResult.AuthorizationFailure?.FailureReasons ?? [] : [];
        if (reasons.OfType<KeyScopeAuthorizationHandler.ScopeFailure>().FirstOrDefault() is { } scope)
        {
            context.Response.Headers.WWWAuthenticate = scope.Scope is null
                ? "Bearer error=\"insufficient_scope\""
                : $"Bearer error=\"insufficient_scope\", scope=\"{scope.Scope}\"";
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, Problems.InsufficientScope, scope.Message);
        }
        if (reasons.OfType<AccountRoleAuthorizationHandler.RoleFailure>().FirstOrDefault() is { } role
            && context.GetEndpoint()?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null)
            return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, Problems.InsufficientRole, role.Message);
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
