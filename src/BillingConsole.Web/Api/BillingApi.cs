using System.ComponentModel;
using System.Security.Claims;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace BillingConsole.Web.Api;

public sealed record BalanceResponse(long AccountId, decimal Balance, decimal Held, string Currency, DateTime AsOf);

/// <summary><c>GET /billing/balance?at=</c>: the Balance After of the last entry at or before <c>as_of</c> (<c>entry_id</c>,
/// <c>entry_created_at</c>), or 0 with both null before the account's first entry. Holds open at a past time are not
/// recorded, so there is no <c>held</c>.</summary>
public sealed record BalanceAtResponse(long AccountId, decimal Balance, string Currency, DateTime AsOf, long? EntryId, DateTime? EntryCreatedAt);

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
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .RequireKeyScope(Accounting.Identity.ApiKeyScopes.BillingRead)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Billing");
        billing.MapGet("/balance", GetBalanceAsync)
            .WithSummary("The account's balance and open holds, or the balance at a past time (at=)")
            .WithDescription("With `at` (an ISO 8601 timestamp with its offset), the Balance After of the last entry created at or "
                + "before it, with that entry's id and time; 0 with no entry before the account's first entry.")
            .Produces<BalanceAtResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        billing.MapGet("/transactions", GetTransactionsAsync)
            .WithSummary("Ledger entries, newest first (JSON page, or a CSV/JSON download)")
            .WithDescription("Pages backwards with `before` (the id of the last row received). `format=csv`, or `download=true` "
                + "with JSON, downloads every matching row as one attachment (text/csv or application/json), at most `limit` when given.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<BalanceResponse>, Ok<BalanceAtResponse>, ProblemHttpResult>> GetBalanceAsync(
        ClaimsPrincipal user, LedgerQueries queries,
        [Description("An ISO 8601 timestamp with its offset: answer the balance as it stood then.")] string? at, CancellationToken ct)
    {
        if (ApiBinder.OptionalTimestamp("at", at, out var atUtc) is { } badAt)
            return badAt;
        if (atUtc is { } time)
        {
            var then = await queries.GetBalanceAtAsync(user.GetAccountId()!.Value, time, ct);
            return then is null
                ? Problems.NotFound("The account no longer exists.")
                : TypedResults.Ok(new BalanceAtResponse(then.AccountId, then.Balance.ToDecimal(), then.Currency, then.At, then.EntryId, then.EntryCreatedAt));
        }
        var balance = await queries.GetBalanceAsync(user.GetAccountId()!.Value, ct);
        return balance is null
            ? Problems.NotFound("The account no longer exists.")
            : TypedResults.Ok(new BalanceResponse(balance.AccountId, balance.Balance.ToDecimal(), balance.Held.ToDecimal(), balance.Currency, balance.AsOf));
    }

    /// <summary>
    /// Newest first. <c>before</c> is the id of the last transaction already received. Optional filters: <c>type</c> (a
    /// comma list of entry types; any of them matches), <c>from</c> and <c>to</c> (YYYY-MM-DD, inclusive UTC dates of
    /// <c>created_at</c>). <c>format=csv</c> (or <c>download=true</c> for JSON) downloads every matching transaction (all
    /// pages, newest first; at most <c>limit</c> rows when it is given) through <see cref="KeysetExport"/>.
    /// </summary>
    public static async Task<Results<Ok<List<TransactionResponse>>, PushStreamHttpResult, ProblemHttpResult>> GetTransactionsAsync(
        ClaimsPrincipal user, LedgerQueries queries, TimeProvider clock, IOptions<HttpJsonOptions> json, [AsParameters] PageQuery page,
        [AsParameters] DateRangeQuery range, [AsParameters] ExportQuery export,
        [Description("A comma list of entry types; a transaction of any of them matches.")] string? type, CancellationToken ct)
    {
        if (page.Bind(DefaultPageSize, LedgerQueries.MaxPageSize, out var paging) is { } badPage)
            return badPage;
        if (export.Bind(out var csv, out var download) is { } badExport)
            return badExport;
        if (ParseTypes(type, out var types) is { } badType)
            return Problems.Invalid(badType);
        if (range.Bind(out var from, out var to) is { } badRange)
            return badRange;

        var accountId = user.GetAccountId()!.Value;
        var filter = new TransactionFilter(types, from, to);
        async Task<IReadOnlyList<TransactionResponse>> ReadAsync(int size, long? before, CancellationToken token) =>
            (await queries.GetTransactionsAsync(accountId, filter, size, before, token)).Select(TransactionResponse.From).ToList();
        if (download)
        {
            var name = $"transactions-{accountId}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.{(csv ? "csv" : "json")}";
            return await KeysetExport.StreamAsync(ReadAsync, t => t.Id, LedgerQueries.MaxPageSize, paging.ExportCap, paging.Before,
                TransactionsCsv.Table, csv, json.Value.SerializerOptions, name, ct);
        }
        return TypedResults.Ok((await ReadAsync(paging.Size, paging.Before, ct)).ToList());
    }

    /// <summary>The <c>type</c> filter: null when valid (or absent), else the message for the 400.</summary>
    public static string? ParseTypes(string? type, out List<string>? types)
    {
        types = null;
        if (type is null)
            return null;
        types = [];
        foreach (var item in type.Split(','))
        {
            var name = item.Trim();
            if (!EntryTypes.TryGet(name, out _))
                return $"type is a comma list of {string.Join(", ", EntryTypes.All.Select(t => t.Name))}; '{name}' is not one of them.";
            if (!types.Contains(name))
                types.Add(name);
        }
        return null;
    }
}
