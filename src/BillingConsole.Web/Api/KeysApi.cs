using System.ComponentModel;
using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record KeyResponse(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt,
    decimal? MonthlySpendLimit, decimal CommittedThisMonth,
    [property: Description("What the key may do: inference, billing:read, keys:write.")] IReadOnlyList<string> Scopes,
    [property: Description("When the key stops authenticating (UTC); null for never.")] DateTime? ExpiresAt)
{
    public static KeyResponse From(ApiKeyView k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt, k.LastUsedAt,
        k.MonthlySpendLimit?.ToDecimal(), k.CommittedThisMonth.ToDecimal(), k.Scopes, k.ExpiresAt);
}

public sealed record CreatedKeyResponse(long Id, string Name, string Prefix, string Secret, DateTime CreatedAt, decimal? MonthlySpendLimit,
    IReadOnlyList<string> Scopes, DateTime? ExpiresAt);

public sealed record CreateKeyBody(
    string? Name,
    decimal? MonthlySpendLimit = null,
    [property: Description("Any of inference, billing:read, keys:write (default inference and billing:read). A key may grant only scopes it holds.")]
    List<string>? Scopes = null,
    [property: Description("Optional expiry, ISO 8601, in the future (UTC when no offset is given). An expired key is refused like a revoked one.")]
    DateTime? ExpiresAt = null,
    [property: Description("Optional, 1 to 150 characters: a retry with the same key creates no second key; it is answered 409 key_already_created with the key_id (the secret is shown only once).")]
    string? IdempotencyKey = null);

public sealed record UpdateKeyBody(decimal? MonthlySpendLimit = null);

public sealed record KeyUsageResponse(long KeyId, string From, string To, long Calls, long InputTokens, long OutputTokens, long CachedTokens,
    long Tokens, decimal Cost, decimal MarketCost, decimal CommittedThisMonth, decimal? MonthlySpendLimit);

/// <summary>The customer's API keys. A key of another account answers 404, never 403: existence does not leak.</summary>
public static class KeysApi
{
    private const string NoSuchKey = "No such API key.";

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys")
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("API keys");
        // Reading keys is billing data (every member); creating, changing and revoking them is key management (a
        // developer or owner, or a key with keys:write).
        keys.MapGet("/", ListAsync).WithSummary("The account's API keys (never their secrets)")
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .RequireKeyScope(ApiKeyScopes.BillingRead);
        keys.MapPost("/", CreateAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .WithSummary("Create an API key: the secret is shown once (idempotency_key: a retry creates no second key)")
            .DocumentsJsonBody<CreateKeyBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireKeyScope(ApiKeyScopes.KeysWrite);
        keys.MapPatch("/{id}", UpdateAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .WithSummary("Set or clear a key's monthly spend limit")
            .DocumentsJsonBody<UpdateKeyBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireKeyScope(ApiKeyScopes.KeysWrite);
        keys.MapDelete("/{id}", RevokeAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .WithSummary("Revoke a key (again: still 204)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireKeyScope(ApiKeyScopes.KeysWrite);
        keys.MapGet("/{id}/usage", UsageAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .RequireKeyScope(ApiKeyScopes.BillingRead)
            .WithSummary("A key's usage over a date range")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<List<KeyResponse>>> ListAsync(ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(user.GetAccountId()!.Value, ct)).Select(KeyResponse.From).ToList());

    public static async Task<Results<Created<CreatedKeyResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateKeyBody>(request, ct);
        if (problem is not null)
            return problem;
        if (!TryLimit(body!.MonthlySpendLimit, out var limit))
            return Problems.Invalid("monthly_spend_limit is a positive USD amount with at most 9 decimals.");
        var scopes = body.Scopes ?? [.. ApiKeyScopes.Default];
        // A key may hand out only what it holds (403 like any missing scope: the request is fine, the credential is
        // not enough); a session whose role may manage keys (the endpoint's policy) may grant every scope.
        if (user.GetKeyScopes() is { } held && scopes.FirstOrDefault(s => ApiKeyScopes.IsKnown(s) && !held.Contains(s)) is { } lacking)
            return Problems.Create(StatusCodes.Status403Forbidden, Problems.InsufficientScope,
                $"This key lacks the {lacking} scope, so it cannot grant it (it holds: {string.Join(", ", held)}).");
        var result = await keys.CreateAsync(user.GetAccountId()!.Value, body.Name, limit, scopes, body.ExpiresAt, body.IdempotencyKey, ct);
        if (result.Value is not { } created)
            return Problems.From(result.Failure!);
        var k = created.Key;
        return TypedResults.Created($"/v1/keys/{k.Id}",
            new CreatedKeyResponse(k.Id, k.Name, k.Prefix, created.Secret, k.CreatedAt, k.MonthlySpendLimit?.ToDecimal(), k.Scopes, k.ExpiresAt));
    }

    public static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var keyId))
            return Problems.NotFound(NoSuchKey);
        var (body, problem) = await JsonBody.ReadAsync<UpdateKeyBody>(request, ct);
        if (problem is not null)
            return problem;
        if (!TryLimit(body!.MonthlySpendLimit, out var limit))
            return Problems.Invalid("monthly_spend_limit is a positive USD amount with at most 9 decimals, or null for no limit.");
        var result = await keys.SetLimitAsync(user.GetAccountId()!.Value, keyId, limit, ct);
        return result.Value is { } key ? TypedResults.Ok(KeyResponse.From(key)) : Problems.From(result.Failure!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ClaimsPrincipal user, ApiKeyService keys, CancellationToken ct) =>
        ApiBinder.TryId(id, out var keyId) && await keys.RevokeAsync(user.GetAccountId()!.Value, keyId, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound(NoSuchKey);

    /// <summary>The key's usage from <c>from</c> to <c>to</c> (inclusive UTC dates, default the last 30 days, at most
    /// <see cref="UsageQueries.MaxRangeDays"/> days). A malformed or unknown id is 404 like another account's key.</summary>
    public static async Task<Results<Ok<KeyUsageResponse>, ProblemHttpResult>> UsageAsync(
        string id, [AsParameters] DateRangeQuery range, ClaimsPrincipal user, ApiKeyService keys, TimeProvider clock, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var keyId))
            return Problems.NotFound(NoSuchKey);
        if (range.Bind(clock, UsageApi.DefaultRangeDays, UsageQueries.MaxRangeDays, out var from, out var to) is { } badRange)
            return badRange;
        var (start, end) = (from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), to.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var usage = await keys.UsageAsync(user.GetAccountId()!.Value, keyId, start, end, ct);
        if (usage is null)
            return Problems.NotFound(NoSuchKey);
        return TypedResults.Ok(new KeyUsageResponse(keyId, usage.From.ToString("yyyy-MM-dd"), usage.To.ToString("yyyy-MM-dd"), usage.Calls,
            usage.InputTokens, usage.OutputTokens, usage.CachedTokens, usage.InputTokens + usage.OutputTokens, usage.Cost.ToDecimal(),
            usage.MarketCost.ToDecimal(), usage.CommittedThisMonth.ToDecimal(), usage.MonthlySpendLimit?.ToDecimal()));
    }

    private static bool TryLimit(decimal? value, out Money? limit)
    {
        limit = null;
        if (value is null)
            return true;
        if (!Money.TryFromDecimal(value.Value, out var money) || money.Units <= 0)
            return false;
        limit = money;
        return true;
    }
}
