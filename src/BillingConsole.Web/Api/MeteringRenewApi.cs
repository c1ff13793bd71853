using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

/// <summary><see cref="Quantity"/> used in the ending cycle; the next cycle holds <see cref="NextQuantity"/>, or the ended
/// hold's quantity. A retry sends the same <see cref="IdempotencyKey"/> (or none).</summary>
public sealed record RenewBody(decimal? Quantity, string? IdempotencyKey = null, decimal? NextQuantity = null, string? Description = null);

/// <summary>The next cycle's hold (<see cref="ReservationId"/>, as a reservation answers) and the ended cycle's settlement.</summary>
public sealed record RenewResponse(long ReservationId, decimal Held, decimal BalanceAfter, DateTime ExpiresAt, long RenewedReservationId,
    decimal Cost, decimal MarketCost, decimal Settlement);

/// <summary>Renewing holds on priced units for long-running resources (metering token).</summary>
public static class MeteringRenewApi
{
    public static IEndpointRouteBuilder MapMeteringRenewApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/meter")
            .RequireAuthorization(BillingClaims.MeteringPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Metering")
            .MapPost("/reservations/{id}/renew", RenewAsync)
            .WithSummary("Settle a priced-unit hold's ending cycle and open the next cycle's hold, atomically")
            .WithDescription("For long-running resources (a GPU instance billed per hour): settles the cycle at `quantity` used (the unused "
                + "part refunded, an overage charged) and holds the next cycle (`next_quantity`, or the same quantity) at the price in force, "
                + "in one transaction. Renewing the same cycle again returns the first result; a cycle already settled, released or "
                + "expired is 409 `reservation_closed`; a next hold the balance cannot cover is 402 and nothing is written.")
            .DocumentsJsonBody<RenewBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<RenewResponse>, ProblemHttpResult>> RenewAsync(string id, HttpRequest request, MeteringService metering,
        CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var reservationId))
            return Problems.NotFound("No such reservation.");
        var (body, problem) = await JsonBody.ReadAsync<RenewBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.Quantity is not { } used)
            return Problems.Invalid("quantity (used in the ending cycle) is required.");
        if (used != 0 && !Quantity.TryFromDecimal(used, out _))
            return Problems.Invalid($"quantity is from 0 to {Quantity.Max}, with up to 6 decimals.");
        Quantity? next = null;
        if (body.NextQuantity is { } n)
        {
            if (!Quantity.TryFromDecimal(n, out var parsed))
                return Problems.Invalid($"next_quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
            next = parsed;
        }
        var result = await metering.RenewAsync(new MeterRenewCommand(reservationId, new Quantity((long)(used * Quantity.MicrosPerUnit)), next,
            body.IdempotencyKey, body.Description), ct);
        if (result.Value is not { } r)
            return Problems.From(result.Failure!);
        return TypedResults.Created($"/v1/meter/reservations/{r.Next.ReservationId}",
            new RenewResponse(r.Next.ReservationId, r.Next.Held.ToDecimal(), r.Next.BalanceAfter.ToDecimal(), r.Next.ExpiresAt, reservationId,
                r.Settled.Cost.ToDecimal(), r.Settled.MarketCost.ToDecimal(), r.Settled.Settlement.ToDecimal()));
    }
}
