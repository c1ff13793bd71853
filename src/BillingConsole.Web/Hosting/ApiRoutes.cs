using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Components.Endpoints;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// The one definition of which requests are API calls (problem+json errors, the JSON body limit) and which are the
/// browser's (the friendly pages). API: any endpoint marked <see cref="ApiEndpointMetadata"/>, and any path under
/// <c>/v1</c>, <c>/stripe</c> or below <c>/billing/</c> (the data routes), matched or not, unless it is a page:
/// <c>/billing</c> itself and the Checkout return pages are Blazor pages.
/// </summary>
public static class ApiRoutes
{
    private static readonly PathString[] Prefixes = ["/v1", "/stripe"];

    /// <summary>The billing page's path; the customer data routes (<c>/billing/balance</c>, ...) sit below it.</summary>
    private static readonly PathString BillingData = "/billing";

    public static bool IsApi(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            return false;
        return endpoint?.Metadata.GetMetadata<ApiEndpointMetadata>() is not null || IsApiPath(context.Request.Path);
    }

    public static bool IsApiPath(PathString path) =>
        Prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
        || (path.StartsWithSegments(BillingData, StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue && rest != "/");

    /// <summary>Errors answer problem+json for API calls and for every other non-page endpoint (form posts such as
    /// /auth/*, the router's 405): only Blazor pages and unknown browser paths get the friendly HTML page.</summary>
    public static bool AnswersWithProblems(HttpContext context) =>
        IsApi(context) || context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null;
}
