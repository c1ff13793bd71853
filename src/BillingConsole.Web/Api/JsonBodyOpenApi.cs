using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BillingConsole.Web.Api;

/// <summary>
/// Documents the JSON body that a handler reads itself through <see cref="JsonBody"/>. <c>Accepts&lt;T&gt;()</c> would say
/// the same in the document but also adds routing metadata that refuses other content types before the handler runs,
/// with a bare 400/415 instead of the API's problem+json, so the body is described by an operation transformer only.
/// </summary>
public static class JsonBodyOpenApi
{
    /// <summary>Also documents the problems every body read through <see cref="JsonBody"/> can answer: 400 (malformed
    /// JSON), 413 (over <see cref="JsonBody.MaxBytes"/>) and 415 (not JSON).</summary>
    public static RouteHandlerBuilder DocumentsJsonBody<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = required,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            });
}
