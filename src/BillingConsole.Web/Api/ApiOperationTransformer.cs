using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BillingConsole.Web.Api;

/// <summary>
/// Derives each operation's security from the policy its endpoint declares (the same metadata authorization enforces,
/// so the document cannot drift from it) and documents the problem responses that authorization and rate limiting add
/// to every protected operation: 401 <c>unauthorized</c>, 403 <c>forbidden</c> (and <c>insufficient_scope</c> where a key
/// needs a scope) and, on the customer APIs, 429 <c>rate_limited</c>.
/// </summary>
public sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
            return;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (policies.Count == 0)
            return;
        var schemes = policies.SelectMany(SchemesOf).Distinct().ToList();
        operation.Security = schemes
            .Select(s => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(s, context.Document)] = [] })
            .ToList();

        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses ??= new OpenApiResponses();
        AddProblem(operation, problem, StatusCodes.Status401Unauthorized, "No or an invalid credential (code unauthorized).");
        var role = metadata.OfType<AccountAccessAttribute>().LastOrDefault() is { MinimumRole: var r and not Accounting.Identity.AccountRoles.Viewer }
            ? $" A session needs the {r} role or above in the account (code insufficient_role)."
            : "";
        AddProblem(operation, problem, StatusCodes.Status403Forbidden, (metadata.OfType<KeyScopeMetadata>().LastOrDefault() is { } scope
            ? $"The credential may not call this operation (code forbidden), or the API key lacks the `{scope.Scope}` scope (code insufficient_scope)."
            : "The credential may not call this operation (code forbidden).") + role);
        if (policies.Any(AccountPermissions.IsCustomerPolicy))
            AddProblem(operation, problem, StatusCodes.Status429TooManyRequests, "Too many requests for this customer (code rate_limited).");
    }

    private static IEnumerable<string> SchemesOf(string policy) => policy switch
    {
        _ when AccountPermissions.IsCustomerPolicy(policy) => [ApiDocumentTransformer.CustomerKey, ApiDocumentTransformer.ConsoleSession],
        BillingClaims.MeteringPolicy => [ApiDocumentTransformer.MeteringToken],
        BillingClaims.AdminTokenPolicy => [ApiDocumentTransformer.AdminToken],
        _ => [ApiDocumentTransformer.ConsoleSession],
    };

    private static void AddProblem(OpenApiOperation operation, IOpenApiSchema schema, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
            return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
