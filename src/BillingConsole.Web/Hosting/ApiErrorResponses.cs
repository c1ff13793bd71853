using BillingConsole.Web.Api;
using Microsoft.AspNetCore.Http.Features;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// Errors the framework answers without a body (no route: 404; the router's 405 with its Allow header; 415; 413 from
/// Kestrel's body limit; a failed antiforgery check) become problem+json with a stable code (<see cref="Problems.ForStatusAsync"/>)
/// on <see cref="ApiRoutes.AnswersWithProblems"/> requests; pages keep the friendly not-found page. API bodies are capped at
/// <see cref="JsonBody.MaxBytes"/> by the server itself, so a chunked body is refused as soon as it passes the limit.
/// </summary>
public static class ApiErrorResponses
{
    public static IApplicationBuilder UseApiErrorResponses(this IApplicationBuilder app)
    {
        app.Use(LimitApiBodies);
        // Pages: the friendly not-found page. Inside it, API requests get their problem first, so it finds a body and stays out.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(ApiRoutes.AnswersWithProblems, api => api.UseStatusCodePages(context => Problems.ForStatusAsync(context.HttpContext)));
        return app;
    }

    private static async Task LimitApiBodies(HttpContext context, RequestDelegate next)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (!ApiRoutes.IsApi(context) || limit is not { IsReadOnly: false } || limit.MaxRequestBodySize <= JsonBody.MaxBytes)
        {
            await next(context);
            return;
        }
        // Kestrel enforces it while the app reads: a Content-Length over it fails the first read, a chunked body fails as
        // soon as it passes the limit.
        var serverLimit = limit.MaxRequestBodySize;
        limit.MaxRequestBodySize = JsonBody.MaxBytes;
        await next(context);
        // The app read nothing (it refused from Content-Length alone, or had no use for a body): Kestrel discards the unread
        // body under its own limit, so the connection survives and the client gets to read the answer instead of a reset.
        if (!limit.IsReadOnly)
            limit.MaxRequestBodySize = serverLimit;
    }
}
