using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BillingConsole.Web.Auth;

/// <summary>
/// Answers a key refused for a missing scope with 403 problem+json <c>insufficient_scope</c> (and the RFC 6750
/// <c>WWW-Authenticate</c> error), so a client can tell "this key may not" from "this account may not"; every other
/// outcome goes to the framework's handler.
/// </summary>
public sealed class ScopeProblemResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var failure = authorizeResult.AuthorizationFailure?.FailureReasons.OfType<KeyScopeAuthorizationHandler.ScopeFailure>().FirstOrDefault();
        if (!authorizeResult.Forbidden || failure is null)
            return _default.HandleAsync(next, context, policy, authorizeResult);
        context.Response.Headers.WWWAuthenticate = failure.Scope is null
            ? "Bearer error=\"insufficient_scope\""
            : $"Bearer error=\"insufficient_scope\", scope=\"{failure.Scope}\"";
        return Problems.WriteAsync(context, StatusCodes.Status403Forbidden, Problems.InsufficientScope, failure.Message);
    }
}
