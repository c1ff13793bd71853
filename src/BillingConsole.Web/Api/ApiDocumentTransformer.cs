using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BillingConsole.Web.Api;

/// <summary>The document's title and the security schemes that <see cref="ApiOperationTransformer"/> points operations at.</summary>
public sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string CustomerKey = "customer_key";
    public const string MeteringToken = "metering_token";
    public const string ConsoleSession = "console_session";
    public const string AdminToken = "admin_token";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "BillingConsole API",
            Version = "v1",
            Description = "Prepaid credits over an append-only ledger. JSON is snake_case; money is a number in USD with up to 9 decimals. "
                + "Errors are application/problem+json with a stable `code` (invalid_request, not_found, unauthorized, forbidden, "
                + "rate_limited, insufficient_credits, idempotency_conflict, ...); bad input never writes anything.",
        };
        // In the order a reader needs them (the reference lists tags in this order).
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Billing", Description = "The balance and the ledger's transactions (customer key or console session)." },
            new() { Name = "Usage", Description = "Usage, the audit trail of metered calls, the monthly summary and statement." },
            new() { Name = "API keys", Description = "The account's API keys and their spend limits." },
            new() { Name = "Metering", Description = "The gateway's API (metering token): reserve, settle, release." },
            new() { Name = "Provisioning", Description = "The operator's own systems (admin token): create, suspend, reinstate and close accounts, post grants and corrections." },
            new() { Name = "Payments", Description = "Stripe's webhook." },
            new() { Name = "Admin", Description = "Billing admins (console session)." },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [CustomerKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A customer API key (created under /v1/keys or in the console): `Authorization: Bearer <key>`.",
            },
            [MeteringToken] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The gateway's metering token, a service credential (never a customer key): `Authorization: Bearer <token>`.",
            },
            [AdminToken] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An admin token for the provisioning API (Admin:Tokens, stored as SHA-256), a service credential: `Authorization: Bearer <token>`.",
            },
            [ConsoleSession] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = "billingconsole.session",
                Description = "The signed-in console session (OpenID Connect sign-in), as the console's own pages use the API.",
            },
        };
        return Task.CompletedTask;
    }
}
