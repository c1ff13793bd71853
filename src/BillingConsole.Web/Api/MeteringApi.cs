using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

/// <summary>The key is named by <see cref="ApiKeyId"/>, or by the customer's secret in <see cref="ApiKey"/> (one of the two).
/// A call holds <see cref="Model"/> with token maxima, or a priced unit: <see cref="Sku"/> and <see cref="Quantity"/> (with an
/// optional <see cref="Description"/> naming the resource), one shape or the other.</summary>
public sealed record ReserveBody(string? IdempotencyKey, long? ApiKeyId, string? Model, long? MaxInputTokens, long? MaxOutputTokens, List<string>? Tags = null,
    string? ApiKey = null, string? Sku = null, decimal? Quantity = null, string? Description = null, long? TtlSeconds = null);

public sealed record ReserveResponse(long ReservationId, decimal Held, decimal BalanceAfter, DateTime ExpiresAt);

/// <summary>Tokens for a token hold, or <see cref="Quantity"/> used for a hold on a priced unit.</summary>
public sealed record SettleBody(long? InputTokens, long? OutputTokens, long? CachedTokens = null, string? Status = null, string? ErrorCode = null,
    int? LatencyMs = null, int? TtfbMs = null, bool? Streaming = null, string? Provider = null, string? ClientIp = null, string? UserAgent = null,
    int? HttpStatus = null, decimal? Quantity = null);

public sealed record SettleResponse(decimal Cost, decimal MarketCost, decimal Settlement, decimal BalanceAfter);

public sealed record ReleaseBody(string? Reason = null);

public sealed record ReleaseResponse(decimal Released, decimal BalanceAfter);

public sealed record BatchSettleItem(long? ReservationId, long? InputTokens, long? OutputTokens, long? CachedTokens = null, string? Status = null,
    string? ErrorCode = null, int? LatencyMs = null, int? TtfbMs = null, bool? Streaming = null, string? Provider = null, string? ClientIp = null,
    string? UserAgent = null, int? HttpStatus = null, decimal? Quantity = null);

public sealed record BatchSettleBody(List<BatchSettleItem>? Settlements);

public sealed record BatchSettleResult(long? ReservationId, int Status, SettleResponse? Result, string? Code, string? Detail);

/// <summary>The gateway's API: reserve a call's maximum cost, then settle or release it. Metering token only.</summary>
public static class MeteringApi
{
    public const int MaxBatch = 500;
    public const long MaxTtlSeconds = 86_400;

    public static IEndpointRouteBuilder MapMeteringApi(this IEndpointRouteBuilder app)
    {
        var meter = app.MapGroup("/v1/meter")
            .RequireAuthorization(BillingClaims.MeteringPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Metering");
        meter.MapPost("/reservations", ReserveAsync)
            .WithSummary("Hold a call's maximum cost before it runs")
            .DocumentsJsonBody<ReserveBody>()
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        meter.MapPost("/reservations/{id}/settle", SettleAsync)
            .WithSummary("Settle a reservation at the call's real cost (settling twice returns the first result; after the hold expired, the call is charged as a late usage_debit)")
            .DocumentsJsonBody<SettleBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        meter.MapPost("/reservations/{id}/release", ReleaseAsync)
            .WithSummary("Hand a reservation's hold back (the body is optional)")
            .DocumentsJsonBody<ReleaseBody>(required: false)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        meter.MapPost("/settlements:batch", SettleBatchAsync)
            .WithSummary($"Settle up to {MaxBatch} reservations in one call; each item succeeds or fails on its own")
            .DocumentsJsonBody<BatchSettleBody>();
        meter.MapMeteringHolds();
        return app;
    }

    public static async Task<Results<Created<ReserveResponse>, ProblemHttpResult>> ReserveAsync(HttpRequest request, MeteringService metering,
        ApiKeyService keys, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ReserveBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.ApiKeyId is not null && body.ApiKey is not null)
            return Problems.Invalid("Send api_key_id or api_key, not both.");
        long? named = body.ApiKeyId;
        if (body.ApiKey is { Length: > 0 } secret)
        {
            // The same check as keys:verify: a revoked, expired or out-of-scope secret reserves nothing.
            if (await keys.VerifyAsync(secret, ct) is not { } verified)
                return Problems.NotFound("No active API key with the inference scope matches api_key.");
            named = verified.Key.Id;
        }
        if (body.TtlSeconds is < 1 or > MaxTtlSeconds)
            return Problems.Invalid($"ttl_seconds is a whole number of seconds from 1 to {MaxTtlSeconds:N0}.");
        var ttl = body.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        if (body.Sku is not null || body.Quantity is not null || body.Description is not null)
            return await ReserveUnitsAsync(body, named, ttl, metering, ct);
        if (named is not { } keyId || body.Model is null || body.MaxInputTokens is not { } maxIn || body.MaxOutputTokens is not { } maxOut)
            return Problems.Invalid("idempotency_key, api_key_id (or api_key), model, max_input_tokens and max_output_tokens are required.");
        var result = await metering.ReserveAsync(new MeterReserveCommand(body.IdempotencyKey ?? "", keyId, body.Model, maxIn, maxOut, body.Tags, ttl), ct);
        if (result.Value is not { } hold)
            return Problems.From(result.Failure!);
        return TypedResults.Created($"/v1/meter/reservations/{hold.ReservationId}",
            new ReserveResponse(hold.ReservationId, hold.Held.ToDecimal(), hold.BalanceAfter.ToDecimal(), hold.ExpiresAt));
    }

    /// <summary>The priced-unit shape of a reservation: <c>{sku, quantity}</c> instead of a model's token maxima.</summary>
    private static async Task<Results<Created<ReserveResponse>, ProblemHttpResult>> ReserveUnitsAsync(ReserveBody body, long? keyId, TimeSpan? ttl,
        MeteringService metering, CancellationToken ct)
    {
        if (body.Model is not null || body.MaxInputTokens is not null || body.MaxOutputTokens is not null)
            return Problems.Invalid("Reserve a model with max_input_tokens and max_output_tokens, or a sku with quantity, not both.");
        if (keyId is not { } key || body.Sku is null || body.Quantity is not { } amount)
            return Problems.Invalid("idempotency_key, api_key_id (or api_key), sku and quantity are required.");
        if (!Quantity.TryFromDecimal(amount, out var quantity))
            return Problems.Invalid($"quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
        var result = await metering.ReserveUnitsAsync(new MeterReserveUnitsCommand(body.IdempotencyKey ?? "", key, body.Sku, quantity, body.Tags,
            ttl, body.Description), ct);
        if (result.Value is not { } hold)
            return Problems.From(result.Failure!);
        return TypedResults.Created($"/v1/meter/reservations/{hold.ReservationId}",
            new ReserveResponse(hold.ReservationId, hold.Held.ToDecimal(), hold.BalanceAfter.ToDecimal(), hold.ExpiresAt));
    }

    public static async Task<Results<Ok<SettleResponse>, ProblemHttpResult>> SettleAsync(string id, HttpRequest request, MeteringService metering, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var reservationId))
            return Problems.NotFound("No such reservation.");
        var (body, problem) = await JsonBody.ReadAsync<SettleBody>(request, ct);
        if (problem is not null)
            return problem;
        var item = new BatchSettleItem(reservationId, body!.InputTokens, body.OutputTokens, body.CachedTokens, body.Status, body.ErrorCode,
            body.LatencyMs, body.TtfbMs, body.Streaming, body.Provider, body.ClientIp, body.UserAgent, body.HttpStatus, body.Quantity);
        var (response, failure) = await SettleOneAsync(item, metering, ct);
        return response is not null ? TypedResults.Ok(response) : failure!;
    }

    public static async Task<Results<Ok<ReleaseResponse>, ProblemHttpResult>> ReleaseAsync(string id, HttpRequest request, MeteringService metering, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var reservationId))
            return Problems.NotFound("No such reservation.");
        string? reason = null;
        if (request.ContentLength is > 0 || request.HasJsonContentType())
        {
            var (body, problem) = await JsonBody.ReadAsync<ReleaseBody>(request, ct);
            if (problem is not null)
                return problem;
            reason = body!.Reason;
        }
        var result = await metering.ReleaseAsync(reservationId, reason, ct);
        return result.Value is { } released
            ? TypedResults.Ok(new ReleaseResponse(released.Released.ToDecimal(), released.BalanceAfter.ToDecimal()))
            : Problems.From(result.Failure!);
    }

    /// <summary>Many settles in one request, written together (one ledger transaction per hundred); each item succeeds or
    /// fails on its own, and the response lists one result per item in order.</summary>
    public static async Task<Results<Ok<List<BatchSettleResult>>, ProblemHttpResult>> SettleBatchAsync(HttpRequest request, MeteringService metering, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<BatchSettleBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.Settlements is not { Count: > 0 and <= MaxBatch } items)
            return Problems.Invalid($"settlements must list 1 to {MaxBatch} items.");
        var parsed = items.Select(ToCommand).ToList();
        var commands = parsed.Where(p => p.Command is not null).Select(p => p.Command!).ToList();
        var settled = new Queue<LedgerResult<MeteredSettlement>>(await metering.SettleManyAsync(commands, ct));
        return TypedResults.Ok(items.Select((item, i) =>
        {
            var (response, failure) = parsed[i].Invalid is { } invalid ? (null, invalid) : ToResponse(settled.Dequeue());
            return response is not null
                ? new BatchSettleResult(item.ReservationId, StatusCodes.Status200OK, response, null, null)
                : new BatchSettleResult(item.ReservationId, failure!.StatusCode, null,
                    failure.ProblemDetails.Extensions["code"]?.ToString(), failure.ProblemDetails.Detail);
        }).ToList());
    }

    private static async Task<(SettleResponse?, ProblemHttpResult?)> SettleOneAsync(BatchSettleItem b, MeteringService metering, CancellationToken ct)
    {
        var (command, invalid) = ToCommand(b);
        return invalid is not null ? (null, invalid) : ToResponse(await metering.SettleAsync(command!, ct));
    }

    private static (MeterSettleCommand? Command, ProblemHttpResult? Invalid) ToCommand(BatchSettleItem b)
    {
        if (b.ReservationId is not { } reservationId)
            return (null, Problems.Invalid("reservation_id is required."));
        if (b.Quantity is { } used)
            return b.InputTokens is not null || b.OutputTokens is not null || b.CachedTokens is not null
                ? (null, Problems.Invalid("Settle with tokens or with quantity, not both."))
                : used == 0 || Quantity.TryFromDecimal(used, out _)
                    ? (new MeterSettleCommand(reservationId, default, b.Status ?? RequestStatus.Success, b.ErrorCode, b.LatencyMs, b.TtfbMs,
                        b.Streaming ?? false, b.Provider, b.ClientIp, b.UserAgent, b.HttpStatus, new Quantity((long)(used * Quantity.MicrosPerUnit))), null)
                    : (null, Problems.Invalid($"quantity is from 0 to {Quantity.Max}, with up to 6 decimals."));
        if (b.InputTokens is not { } input || b.OutputTokens is not { } output)
            return (null, Problems.Invalid("input_tokens and output_tokens (or quantity, for a hold on a priced unit) are required."));
        return (new MeterSettleCommand(reservationId, new TokenCounts(input, output, b.CachedTokens ?? 0), b.Status ?? RequestStatus.Success,
            b.ErrorCode, b.LatencyMs, b.TtfbMs, b.Streaming ?? false, b.Provider, b.ClientIp, b.UserAgent, b.HttpStatus), null);
    }

    private static (SettleResponse?, ProblemHttpResult?) ToResponse(LedgerResult<MeteredSettlement> result) =>
        result.Value is { } s
            ? (new SettleResponse(s.Cost.ToDecimal(), s.MarketCost.ToDecimal(), s.Settlement.ToDecimal(), s.BalanceAfter.ToDecimal()), null)
            : (null, Problems.From(result.Failure!));
}
