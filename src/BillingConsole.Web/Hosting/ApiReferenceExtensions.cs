using BillingConsole.Web.Api;
using Scalar.AspNetCore;

namespace BillingConsole.Web.Hosting;

/// <summary>
/// The OpenAPI document (<see cref="DocumentPath"/>) generated from the endpoints' typed signatures and metadata, and the
/// interactive reference (Scalar, <see cref="ReferencePath"/>) that renders it. Both are anonymous: they describe the API
/// and hold no data; every endpoint they describe keeps its own policy. Scalar's script is served from the package (no
/// CDN, no web fonts, no telemetry), and its inline start-up script runs under a per-request CSP nonce.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api";

    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<ApiDocumentTransformer>();
            options.AddOperationTransformer<ApiOperationTransformer>();
            options.AddSchemaTransformer<ProblemSchemaTransformer>();
        });
        return builder;
    }

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var reference = app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("BillingConsole API reference")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument(DocumentName)
                .DisableDefaultFonts()
                .DisableTelemetry()
                // Nothing that calls out of the site or shows vendor tooling: no AI agent, no MCP, no developer toolbar.
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithNonce())
            .AllowAnonymous()
            .WithMetadata(new CspScriptNonce(ScalarOptions.NonceHttpContextItemKey));
        // Scalar writes the {documentName} of its route into the page unencoded (the fuzzer reflected a script through
        // /api/<script>): only the document we serve has a page; anything else is the ordinary not-found page.
        // Finally runs after the handler's RequestDelegate exists; an empty 404 gets the not-found page downstream.
        reference.Finally(endpoint =>
        {
            var page = endpoint.RequestDelegate
                ?? throw new InvalidOperationException("The API reference route has no handler to guard; check Scalar.AspNetCore's mapping.");
            endpoint.RequestDelegate = context =>
            {
                if (context.GetRouteValue("documentName") is null or DocumentName)
                    return page(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return app;
    }
}
