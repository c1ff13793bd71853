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

    private static Task LimitApiBodies(HttpContext context, RequestDelegate next)
    {
        // Kestrel enforces it while reading (Content-Length up front, chunked bodies as they pass the limit); only ever lowered.
        if (ApiRoutes.IsApi(context) && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > JsonBody.MaxBytes))
            limit.MaxRequestBodySize = JsonBody.MaxBytes;
        return next(context);
    }
}
