using System.Globalization;
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

    /// <summary>
    /// Newest first. <c>before</c> is the id of the last transaction already received. Optional filters: <c>type</c> (a
    /// comma list of entry types; any of them matches), <c>from</c> and <c>to</c> (YYYY-MM-DD, inclusive UTC dates of
    /// <c>created_at</c>). <c>format=csv</c> downloads every matching transaction (all pages, newest first; at most
    /// <c>limit</c> rows when it is given) with the JSON fields as columns.
    /// </summary>
    public static async Task<Results<Ok<List<TransactionResponse>>, PushStreamHttpResult, ProblemHttpResult>> GetTransactionsAsync(
        ClaimsPrincipal user, LedgerQueries queries, TimeProvider clock, string? limit, string? before, string? type, string? from,
        string? to, string? format, CancellationToken ct)
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
        var csv = QueryValues.IsCsv(format);
        if (csv is null)
            return Problems.Invalid(QueryValues.FormatError);
        if (ParseFilter(type, from, to, out var filter) is { } filterError)
            return Problems.Invalid(filterError);

        var accountId = user.GetAccountId()!.Value;
        if (csv == false)
        {
            var rows = await queries.GetTransactionsAsync(accountId, filter, size, cursor, ct);
            return TypedResults.Ok(rows.Select(TransactionResponse.From).ToList());
        }
        var name = $"transactions-{accountId}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv";
        int? cap = limit is null ? null : size;
        return TypedResults.Stream(body => TransactionsCsv.WriteAsync(body, queries, accountId, filter, cursor, cap, ct),
            "text/csv; charset=utf-8", name);
    }

    /// <summary>The transaction filters of the query string; null when they are valid, else the message for the 400.</summary>
    public static string? ParseFilter(string? type, string? from, string? to, out TransactionFilter filter)
    {
        filter = TransactionFilter.None;
        List<string>? types = null;
        if (type is not null)
        {
            types = [];
            foreach (var item in type.Split(','))
            {
                var name = item.Trim();
                if (!EntryTypes.TryGet(name, out _))
                    return $"type is a comma list of {string.Join(", ", EntryTypes.All.Select(t => t.Name))}; '{name}' is not one of them.";
                if (!types.Contains(name))
                    types.Add(name);
            }
        }
        DateOnly? start = null, end = null;
        if (from is not null)
        {
            if (!TryParseDate(from, out var d))
                return "from must be a date YYYY-MM-DD.";
            start = d;
        }
        if (to is not null)
        {
            if (!TryParseDate(to, out var d))
                return "to must be a date YYYY-MM-DD.";
            end = d;
        }
        if (start is { } s && end is { } e && e < s)
            return $"to ({e:yyyy-MM-dd}) is before from ({s:yyyy-MM-dd}).";
        filter = new TransactionFilter(types, start, end);
        return null;
    }

    /// <summary>Exactly YYYY-MM-DD, years 0001 to 9998 (so the day after an end date exists).</summary>
    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date.Year <= 9998;
}
