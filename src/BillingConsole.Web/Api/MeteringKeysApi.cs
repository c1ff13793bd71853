using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record VerifyKeyBody(string? Key);

public sealed record VerifiedKeyResponse(long ApiKeyId, long AccountId, string Name, IReadOnlyList<string> Scopes, string Status,
    DateTime? ExpiresAt, decimal? MonthlySpendLimit, decimal SpendCommitted)
{
    public static VerifiedKeyResponse From(VerifiedApiKey v) => new(v.Key.Id, v.AccountId, v.Key.Name, v.Key.Scopes, "active",
        v.Key.ExpiresAt, v.Key.MonthlySpendLimit?.ToDecimal(), v.Key.CommittedThisMonth.ToDecimal());
}

/// <summary>Key verification for gateways that hold only the customer's secret (metering token).</summary>
public static class MeteringKeysApi
{
    /// <summary>How long a gateway may reuse a positive answer: a revocation or expiry reaches it within this time.</summary>
    public const int CacheSeconds = 60;

    public static IEndpointRouteBuilder MapMeteringKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/meter")
            .RequireAuthorization(BillingClaims.MeteringPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Metering")
            .MapPost("/keys:verify", VerifyAsync)
            .WithSummary("Check a customer's API key before forwarding a call")
            .WithDescription($"200 for an active key with the `inference` scope; 404 `not_found` for an unknown, revoked, expired or "
                + $"out-of-scope key (the same answer for each). A positive answer may be cached for {CacheSeconds} seconds "
                + "(`Cache-Control: private, max-age`); a 404 must not be cached.")
            .DocumentsJsonBody<VerifyKeyBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<VerifiedKeyResponse>, ProblemHttpResult>> VerifyAsync(HttpRequest request, ApiKeyService keys,
        CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<VerifyKeyBody>(request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrEmpty(body!.Key))
            return Problems.Invalid("key is required: the customer's API key secret.");
        if (await keys.VerifyAsync(body.Key, ct) is not { } verified)
        {
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return Problems.NotFound("No active API key with the inference scope matches.");
        }
        request.HttpContext.Response.Headers.CacheControl = $"private, max-age={CacheSeconds}";
        return TypedResults.Ok(VerifiedKeyResponse.From(verified));
    }
}
