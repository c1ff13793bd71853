using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Api;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;

namespace BillingConsole.Web.Tests.Auth;

public enum Access
{
    /// <summary>Serves the framework itself (static files, the Blazor circuit's hub): no data, no policy needed.</summary>
    Framework,
    Anonymous,
    Session,
    Customer,
    BillingAdmin,
    Metering,
    /// <summary>The provisioning API: an admin token (a service credential of the operator's own systems).</summary>
    AdminToken,
    /// <summary>No authorization metadata at all.</summary>
    Undeclared,
    /// <summary>Authorization metadata without one of the console's named policies (e.g. a bare RequireAuthorization()).</summary>
    Unnamed,
}

/// <summary>One route and method of the app, with what its metadata says about who may call it.</summary>
public sealed record EndpointAccess(string Method, string Route, Access Access, bool IsPage, bool IsApi)
{
    public string Key => $"{Method} {Route}";

    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>The lowest role a session needs in the account (<see cref="AccountAccessAttribute"/>); null when the
    /// endpoint declares none (a customer endpoint must).</summary>
    public string? MinimumRole { get; init; }

    /// <summary>The scope a customer API key needs here (<see cref="KeyScopeMetadata"/>, or billing:read for a page);
    /// null when no key may call it.</summary>
    public string? KeyScope { get; init; }

    public override string ToString() => $"{Key} [{Access}{(IsPage ? ", page" : "")}{(IsApi ? ", api" : "")}]";
}

/// <summary>
/// Reads the app's endpoint list (EndpointDataSource) and the authorization metadata of each endpoint: the policies
/// that endpoints and pages must declare (session, customer, billing_admin, metering) and the explicit list of the only
/// endpoints allowed to be anonymous.
/// </summary>
public static class EndpointPolicies
{
    /// <summary>The endpoints anyone may call, each with the reason. Nothing else may be anonymous or undeclared.</summary>
    public static readonly IReadOnlyDictionary<string, string> AnonymousAllowList = new Dictionary<string, string>
    {
        ["GET /signin"] = "the sign-in page",
        ["POST /auth/dev-signin"] = "the development sign-in (Development without OpenID Connect only; antiforgery token)",
        ["GET /auth/signin"] = "starts the OpenID Connect sign-in (returns to local paths only)",
        ["POST /auth/signout"] = "ends the session, if any (antiforgery token)",
        ["POST /stripe/webhook"] = "called by Stripe, authenticated by the Stripe-Signature header",
        ["GET /access-denied"] = "the access-denied page",
        ["GET /not-found"] = "the not-found page",
        ["GET /Error"] = "the error page",
        ["GET /"] = "Home: renders nothing and navigates to /billing, which is protected",
        ["GET /openapi/{documentName}.json"] = "the OpenAPI document: describes the API, holds no data",
        ["GET /api/{documentName?}"] = "the API reference page (Scalar): renders the OpenAPI document, holds no data",
        ["GET /api/scalar.js"] = "the API reference's script, served from the Scalar.AspNetCore package",
        ["GET /api/scalar.aspnetcore.js"] = "the API reference's start-up module, served from the Scalar.AspNetCore package",
        ["GET /api/favicon.svg"] = "the API reference's icon",
        ["GET /healthz"] = "liveness probe: answers that the process runs, holds no data",
        ["GET /readyz"] = "readiness probe: each check's status and the workers' lag, no secrets",
        ["GET /metrics"] = "Prometheus scraping: its own bearer token (Metrics:Prometheus:Token, required outside Development), off by default outside Development",
    };

    public static IReadOnlyList<EndpointAccess> Read(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>().SelectMany(Classify).DistinctBy(e => e.Key).OrderBy(e => e.Route).ThenBy(e => e.Method).ToList();

    public static IEnumerable<EndpointAccess> Classify(RouteEndpoint endpoint)
    {
        var route = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
        var metadata = endpoint.Metadata;
        var isPage = metadata.GetMetadata<ComponentTypeMetadata>() is not null;
        var isApi = metadata.GetMetadata<ApiEndpointMetadata>() is not null;
        var methods = isPage ? ["GET"] : metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        var access = AccessOf(endpoint, route);
        var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
        var scope = metadata.GetMetadata<KeyScopeMetadata>()?.Scope ?? (isPage ? ApiKeyScopes.BillingRead : null);
        var role = metadata.GetMetadata<AccountAccessAttribute>()?.MinimumRole;
        return methods.Select(m => new EndpointAccess(m, route, access, isPage, isApi) { Parameters = parameters, KeyScope = scope, MinimumRole = role });
    }

    private static Access AccessOf(RouteEndpoint endpoint, string route)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<StaticAssetDescriptor>() is not null
            || route == "/{**path:file}" // Development only: files of wwwroot not in the static assets manifest
            || route.StartsWith("/_blazor", StringComparison.Ordinal) || route.StartsWith("/_framework", StringComparison.Ordinal))
            return Access.Framework;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null)
            return Access.Anonymous;
        var policies = metadata.GetOrderedMetadata<IAuthorizeData>().ToList();
        if (policies.Count == 0)
            return Access.Undeclared;
        // Exactly one named policy (a group's and an endpoint's may repeat it); anything else is ambiguous.
        var named = policies.Select(p => p.Policy).Distinct().ToList();
        return named is [{ } policy] ? PolicyAccess(policy) : Access.Unnamed;
    }

    private static Access PolicyAccess(string policy) => policy switch
    {
        BillingClaims.SessionPolicy => Access.Session,
        _ when AccountPermissions.IsCustomerPolicy(policy) => Access.Customer,
        BillingClaims.BillingAdminPolicy => Access.BillingAdmin,
        BillingClaims.MeteringPolicy => Access.Metering,
        BillingClaims.AdminTokenPolicy => Access.AdminToken,
        _ => Access.Unnamed,
    };

    /// <summary>Why the endpoint breaks the rule, or null when it declares a policy or is an allow-listed anonymous one.</summary>
    public static string? Violation(EndpointAccess e) => e.Access switch
    {
        Access.Customer when e.IsApi && e.KeyScope is null => $"{e.Key} is a customer API without a key scope: declare .RequireKeyScope(ApiKeyScopes.X).",
        Access.Customer when e.MinimumRole is null =>
            $"{e.Key} is a customer endpoint without an account role: declare .RequireAccountAccess(CustomerAction.X) or [AccountAccess(CustomerAction.X)] (AccountPermissions).",
        Access.Framework or Access.Session or Access.Customer or Access.BillingAdmin or Access.Metering or Access.AdminToken => null,
        Access.Anonymous or Access.Undeclared when AnonymousAllowList.ContainsKey(e.Key) => null,
        Access.Anonymous => $"{e.Key} allows anonymous callers but is not in the anonymous allow-list.",
        Access.Undeclared => $"{e.Key} has no authorization metadata: declare .RequireAuthorization(policy) or [Authorize(Policy = ...)].",
        _ => $"{e.Key} requires authorization without one of the named policies (session, customer, account_developer, account_owner, billing_admin, metering, admin_token).",
    };
}
