using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

/// <summary>The account is named by <see cref="ApiKeyId"/> or <see cref="AccountId"/> (one of the two); <see cref="Quantity"/>
/// is in the SKU's unit (GPU-hours, GB-days, images, seconds), up to six decimals.</summary>
public sealed record UsageBody(string? IdempotencyKey, long? ApiKeyId, long? AccountId, string? Sku, decimal? Quantity, string? Description = null);

/// <summary>The entry written (as <c>/billing/transactions</c> shows it), with the SKU, quantity and market cost it was priced from.</summary>
public sealed record UsageResponse(long Id, DateTime CreatedAt, string Type, decimal Amount, decimal BalanceAfter, string Description,
    string Source, string? RefId, string Sku, decimal Quantity, decimal MarketCost);

/// <summary>Usage of a priced unit without a hold (metering token).</summary>
public static class MeteringUsageApi
{
    public static IEndpointRouteBuilder MapMeteringUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/meter")
            .RequireAuthorization(BillingClaims.MeteringPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Metering")
            .MapPost("/usage", RecordAsync)
            .WithSummary("Charge usage of a priced unit (GPU-hours, storage GB-days, images, seconds) without a hold")
            .WithDescription("Writes one `usage_debit` entry (`storage_billing` for a storage SKU) of quantity x the unit price in force, "
                + "refused with 402 `insufficient_credits` below the overdraft floor. The same idempotency key with the same body returns "
                + "the first entry; with another body it is 409 `idempotency_conflict`.")
            .DocumentsJsonBody<UsageBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<UsageResponse>, ProblemHttpResult>> RecordAsync(HttpRequest request, MeteringService metering,
        CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<UsageBody>(request, ct);
        if (problem is not null)
            return problem;
        if (string.IsNullOrEmpty(body!.Sku) || body.Quantity is not { } amount)
            return Problems.Invalid("idempotency_key, api_key_id or account_id, sku and quantity are required.");
        if (!Quantity.TryFromDecimal(amount, out var quantity))
            return Problems.Invalid($"quantity is above 0 and at most {Quantity.Max}, with up to 6 decimals.");
        var result = await metering.RecordUsageAsync(new MeterUsageCommand(body.IdempotencyKey ?? "", body.ApiKeyId, body.AccountId, body.Sku,
            quantity, body.Description), ct);
        if (result.Value is not { } usage)
            return Problems.From(result.Failure!);
        return TypedResults.Created($"/billing/transactions?before={usage.EntryId + 1}&limit=1",
            new UsageResponse(usage.EntryId, usage.CreatedAt, usage.Type, usage.Amount.ToDecimal(), usage.BalanceAfter.ToDecimal(), usage.Description,
                EntrySources.MeteringApi, usage.RefId, body.Sku, quantity.ToDecimal(), usage.MarketCost.ToDecimal()));
    }
}
