using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record ExtendBody(long? TtlSeconds);

public sealed record ExtendResponse(long ReservationId, DateTime ExpiresAt);

/// <summary>A hold as its gateway sees it. <c>settled_late</c>: the hold expired and was released, then the call's settle
/// arrived and charged it (one usage_debit citing the reservation); <c>cost</c> is null while the hold is open.</summary>
public sealed record ReservationResponse(long ReservationId, long AccountId, long? ApiKeyId, string? Model, string Status, bool SettledLate,
    decimal Held, decimal? Cost, DateTime CreatedAt, DateTime ExpiresAt, DateTime? ResolvedAt, int? TtlSeconds);

public sealed record BatchReleaseItem(long? ReservationId, string? Reason = null);

public sealed record BatchReleaseBody(List<BatchReleaseItem>? Releases);

public sealed record BatchReleaseResult(long? ReservationId, int Status, ReleaseResponse? Result, string? Code, string? Detail);

/// <summary>The lifetime of a gateway's holds: read one, keep a long call's hold alive, hand many back at once.</summary>
public static class MeteringHoldsApi
{
    public static RouteGroupBuilder MapMeteringHolds(this RouteGroupBuilder meter)
    {
        meter.MapGet("/reservations/{id}", GetAsync)
            .WithSummary("Read a reservation: status (open, settled, released, expired), held amount, cost once settled, expiry");
        meter.MapPost("/reservations/{id}/extend", ExtendAsync)
            .WithSummary($"Keep an open hold alive for ttl_seconds from now (1 to {MeteringApi.MaxTtlSeconds:N0})")
            .DocumentsJsonBody<ExtendBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        meter.MapPost("/releases:batch", ReleaseBatchAsync)
            .WithSummary($"Release up to {MeteringApi.MaxBatch} reservations in one call; each item succeeds or fails on its own")
            .DocumentsJsonBody<BatchReleaseBody>();
        return meter;
    }

    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> GetAsync(string id, MeteringService metering, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var reservationId) || await metering.FindReservationAsync(reservationId, ct) is not { } h)
            return Problems.NotFound("No such reservation.");
        return TypedResults.Ok(new ReservationResponse(h.ReservationId, h.AccountId, h.ApiKeyId, h.Model, h.Status, h.SettledLate,
            h.Held.ToDecimal(), h.Cost?.ToDecimal(), h.CreatedAt, h.ExpiresAt, h.ResolvedAt, h.TtlSeconds));
    }

    public static async Task<Results<Ok<ExtendResponse>, ProblemHttpResult>> ExtendAsync(string id, HttpRequest request, MeteringService metering,
        CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var reservationId))
            return Problems.NotFound("No such reservation.");
        var (body, problem) = await JsonBody.ReadAsync<ExtendBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.TtlSeconds is not (>= 1 and <= MeteringApi.MaxTtlSeconds) || body.TtlSeconds is not { } seconds)
            return Problems.Invalid($"ttl_seconds is required: a whole number of seconds from 1 to {MeteringApi.MaxTtlSeconds:N0}.");
        var result = await metering.ExtendAsync(reservationId, TimeSpan.FromSeconds(seconds), ct);
        return result.Value is { } extended
            ? TypedResults.Ok(new ExtendResponse(extended.ReservationId, extended.ExpiresAt))
            : Problems.From(result.Failure!);
    }

    /// <summary>Many releases in one request, written together like settlements:batch; one result per item, in order.</summary>
    public static async Task<Results<Ok<List<BatchReleaseResult>>, ProblemHttpResult>> ReleaseBatchAsync(HttpRequest request, MeteringService metering,
        CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<BatchReleaseBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.Releases is not { Count: > 0 and <= MeteringApi.MaxBatch } items)
            return Problems.Invalid($"releases must list 1 to {MeteringApi.MaxBatch} items.");
        var valid = items.Where(i => i.ReservationId is > 0).Select(i => (i.ReservationId!.Value, i.Reason)).ToList();
        var released = new Queue<LedgerResult<MeteredRelease>>(await metering.ReleaseManyAsync(valid, ct));
        return TypedResults.Ok(items.Select(item =>
        {
            if (item.ReservationId is not > 0)
                return Failed(item, item.ReservationId is null ? Problems.Invalid("reservation_id is required.") : Problems.NotFound("No such reservation."));
            var result = released.Dequeue();
            return result.Value is { } r
                ? new BatchReleaseResult(item.ReservationId, StatusCodes.Status200OK, new ReleaseResponse(r.Released.ToDecimal(), r.BalanceAfter.ToDecimal()), null, null)
                : Failed(item, Problems.From(result.Failure!));
        }).ToList());
    }

    private static BatchReleaseResult Failed(BatchReleaseItem item, ProblemHttpResult failure) =>
        new(item.ReservationId, failure.StatusCode, null, failure.ProblemDetails.Extensions["code"]?.ToString(), failure.ProblemDetails.Detail);
}
