using System.Security.Claims;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record BalanceResponse(long AccountId, decimal Balance, decimal Held, string Currency, DateTime AsOf);

public sealed record TransactionResponse(long Id, DateTime CreatedAt, string Type, decimal Amount, decimal BalanceAfter,
    string Description, string Source, string? RefId)
{
    public static TransactionResponse From(TransactionRow r) =>
        new(r.Id, r.CreatedAt, r.Type, r.Amount.ToDecimal(), r.BalanceAfter.ToDecimal(), r.Description, r.Source, r.RefId);
}

/// <summary>The customer's ledger over HTTP: <c>GET /billing/balance</c> and <c>GET /billing/transactions</c>.</summary>
public static class BillingApi
{
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/billing")
            .RequireAuthorization(BillingClaims.CustomerPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Billing");
        billing.MapGet("/balance", GetBalanceAsync);
        billing.MapGet("/transactions", GetTransactionsAsync);
        return app;
    }

    public static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> GetBalanceAsync(
        ClaimsPrincipal user, LedgerQueries queries, CancellationToken ct)
    {
        var balance = await queries.GetBalanceAsync(user.GetAccountId()!.Value, ct);
        return balance is null
            ? Problems.NotFound("The account no longer exists.")
            : TypedResults.Ok(new BalanceResponse(balance.AccountId, balance.Balance.ToDecimal(), balance.Held.ToDecimal(), balance.Currency, balance.AsOf));
    }

    /// <summary>Newest first. <c>before</c> is the id of the last transaction already received.</summary>
    public static async Task<Results<Ok<List<TransactionResponse>>, ProblemHttpResult>> GetTransactionsAsync(
        ClaimsPrincipal user, LedgerQueries queries, string? limit, string? before, CancellationToken ct)
    {
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > LedgerQueries.MaxPageSize))
            return Problems.Invalid($"limit must be a whole number from 1 to {LedgerQueries.MaxPageSize}.");
        long? cursor = null;
        if (before is not null)
        {
            if (!long.TryParse(before, out var id) || id < 1)
                return Problems.Invalid("before must be the id of a transaction from a previous page.");
            cursor = id;
        }
        var rows = await queries.GetTransactionsAsync(user.GetAccountId()!.Value, size, cursor, ct: ct);
        return TypedResults.Ok(rows.Select(TransactionResponse.From).ToList());
    }
}
