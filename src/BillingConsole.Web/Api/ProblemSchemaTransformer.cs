using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BillingConsole.Web.Api;

/// <summary>Documents the <c>code</c> member that every problem of this API carries (<see cref="Problems"/>), the one
/// field clients are meant to switch on.</summary>
public sealed class ProblemSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(ProblemDetails) && context.JsonPropertyInfo is null)
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "A stable error code: invalid_request, not_found, unauthorized, forbidden, rate_limited, insufficient_credits, "
                    + "idempotency_conflict, reservation_closed, balance_limit, spend_limit_reached, budget_exceeded, key_revoked, account_suspended, account_closed, "
                    + "account_not_empty, payload_too_large, "
                    + "unsupported_media_type, ...",
            };
        }
        return Task.CompletedTask;
    }
}
