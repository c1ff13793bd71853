using System.ComponentModel;
using System.Security.Claims;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

public sealed record CreateAccountBody(string? Name, string? Email, decimal? OverdraftFloor = null, decimal? OpeningGrant = null,
    string? OpeningGrantReason = null, string? IdempotencyKey = null);

public sealed record AccountResponse(long Id, string Name, string? Email, string Status, decimal Balance, decimal OverdraftFloor,
    DateTime CreatedAt, DateTime? StatusChangedAt)
{
    public static AccountResponse From(AccountStatusView a) => new(a.Id, a.Name, a.Email, a.Status, a.Balance.ToDecimal(),
        a.OverdraftFloor.ToDecimal(), a.CreatedAt, a.StatusChangedAt);
}

public sealed record AccountStatusBody(string? Reason);

public sealed record AdminEntryBody(string? Type, decimal? Amount, string? Reason, string? IdempotencyKey);

/// <summary>
/// The provisioning API for the operator's own systems (a sign-up flow, a CRM), with an admin token: create accounts,
/// list and read them, suspend, reinstate and close them, and post grants, refunds and corrections. Every write is
/// idempotent and goes through the same services (and audit rows) as the admin console.
/// </summary>
public static class AdminAccountsApi
{
    private const string NoSuchAccount = "No such account.";
    public const int MaxQueryLength = 200;

    public static IEndpointRouteBuilder MapAdminAccountsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin/accounts")
            .RequireAuthorization(BillingClaims.AdminTokenPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Provisioning");
        admin.MapPost("/", CreateAsync)
            .WithSummary("Create an account, with an optional opening grant (the same idempotency_key again returns the same account)")
            .DocumentsJsonBody<CreateAccountBody>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/", ListAsync)
            .WithSummary("Accounts, newest first; query matches part of the name or billing email")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/{id}", GetAsync)
            .WithSummary("One account with its status and balance")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{id}/suspend", SuspendAsync)
            .WithSummary("Suspend: new reservations are refused (account_suspended); settlements, releases, top-ups and refunds still land")
            .DocumentsJsonBody<AccountStatusBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/reinstate", ReinstateAsync)
            .WithSummary("Reinstate a suspended account")
            .DocumentsJsonBody<AccountStatusBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/close", CloseAsync)
            .WithSummary("Close an account at a zero balance with no open hold: every new write is then refused (account_closed)")
            .DocumentsJsonBody<AccountStatusBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/entries", PostEntryAsync)
            .WithSummary("Post a bonus, contract_grant, bonus_grant, refund or admin_correction (reason required; idempotent)")
            .DocumentsJsonBody<AdminEntryBody>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapAdminReconciliationApi();
        return app.MapAdminTeamsApi();
    }

    public static async Task<Results<Created<AccountResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, AdminAccounts accounts, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateAccountBody>(request, ct);
        if (problem is not null)
            return problem;
        if (!Money.TryFromDecimal(body!.OverdraftFloor ?? 0, out var floor))
            return Problems.Invalid("overdraft_floor is a USD amount, zero or negative, with at most 9 decimals.");
        Money? grant = null;
        if (body.OpeningGrant is { } g)
        {
            if (!Money.TryFromDecimal(g, out var amount))
                return Problems.Invalid("opening_grant is a positive USD amount with at most 9 decimals.");
            grant = amount;
        }
        var result = await accounts.CreateAsync(new NewAccountRequest(body.IdempotencyKey ?? "", body.Name, body.Email, floor, grant,
            body.OpeningGrantReason), user.GetTokenActor()!, ct);
        if (result.Value is not { } created)
            return Problems.From(result.Failure!);
        return TypedResults.Created($"/v1/admin/accounts/{created.Account.Id}", AccountResponse.From(created.Account));
    }

    public static async Task<Results<Ok<List<AccountResponse>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageQuery page,
        [FromQuery(Name = "query"), Description("Part of the account's name or billing email (case-insensitive).")] string? query,
        AdminAccounts accounts, CancellationToken ct)
    {
        if (page.Bind(50, AdminAccounts.MaxPage, out var paging) is { } bad)
            return bad;
        if (query is { Length: > MaxQueryLength })
            return Problems.Invalid($"query must be at most {MaxQueryLength} characters.");
        var rows = await accounts.ListAsync(query, paging.Size, paging.Before, ct);
        return TypedResults.Ok(rows.Select(AccountResponse.From).ToList());
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAsync(string id, AdminAccounts accounts, CancellationToken ct) =>
        ApiBinder.TryId(id, out var accountId) && await accounts.GetAsync(accountId, ct) is { } account
            ? TypedResults.Ok(AccountResponse.From(account))
            : Problems.NotFound(NoSuchAccount);

    public static Task<Results<Ok<AccountResponse>, ProblemHttpResult>> SuspendAsync(string id, HttpRequest request, ClaimsPrincipal user,
        AdminAccounts accounts, CancellationToken ct) =>
        ChangeStatusAsync(id, request, (accountId, reason) => accounts.SuspendAsync(accountId, reason, user.GetTokenActor()!, ct), ct);

    public static Task<Results<Ok<AccountResponse>, ProblemHttpResult>> ReinstateAsync(string id, HttpRequest request, ClaimsPrincipal user,
        AdminAccounts accounts, CancellationToken ct) =>
        ChangeStatusAsync(id, request, (accountId, reason) => accounts.ReinstateAsync(accountId, reason, user.GetTokenActor()!, ct), ct);

    public static Task<Results<Ok<AccountResponse>, ProblemHttpResult>> CloseAsync(string id, HttpRequest request, ClaimsPrincipal user,
        AdminAccounts accounts, CancellationToken ct) =>
        ChangeStatusAsync(id, request, (accountId, reason) => accounts.CloseAsync(accountId, reason, user.GetTokenActor()!, ct), ct);

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> ChangeStatusAsync(string id, HttpRequest request,
        Func<long, string, Task<LedgerResult<AccountStatusView>>> change, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId))
            return Problems.NotFound(NoSuchAccount);
        var (body, problem) = await JsonBody.ReadAsync<AccountStatusBody>(request, ct);
        if (problem is not null)
            return problem;
        var result = await change(accountId, body!.Reason ?? "");
        return result.Value is { } account ? TypedResults.Ok(AccountResponse.From(account)) : Problems.From(result.Failure!);
    }

    /// <summary>One admin entry through <see cref="AdminAdjustments"/> (the console's rules and audit row); the
    /// caller's idempotency key, namespaced so it can never collide with the console's own keys.</summary>
    public static async Task<Results<Created<TransactionResponse>, ProblemHttpResult>> PostEntryAsync(string id, HttpRequest request,
        ClaimsPrincipal user, AdminAdjustments adjustments, AdminAccounts accounts, LedgerQueries queries, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId))
            return Problems.NotFound(NoSuchAccount);
        var (body, problem) = await JsonBody.ReadAsync<AdminEntryBody>(request, ct);
        if (problem is not null)
            return problem;
        if (body!.IdempotencyKey is not { Length: > 0 and <= NewAccountRequest.MaxKeyLength } key)
            return Problems.Invalid($"idempotency_key is required: 1 to {NewAccountRequest.MaxKeyLength} characters.");
        if (!AdjustmentKinds.IsValid(body.Type))
            return Problems.Invalid($"type must be one of {string.Join(", ", AdjustmentKinds.All)}.");
        if (body.Amount is not { } amount || !Money.TryFromDecimal(amount, out var money))
            return Problems.Invalid("amount is a USD amount with at most 9 decimals.");
        if (await accounts.GetAsync(accountId, ct) is null)
            return Problems.NotFound(NoSuchAccount);
        var posted = await adjustments.PostAsync(new AdjustmentRequest(Guid.Empty, accountId, body.Type!, money, body.Reason ?? "", $"api:{key}"),
            user.GetTokenActor()!, ct);
        if (posted.Value is not { } entry)
            return Problems.From(posted.Failure!);
        var row = (await queries.GetTransactionsAsync(accountId, 1, entry.EntryId + 1, ct: ct)).Single();
        return TypedResults.Created($"/v1/admin/accounts/{accountId}/entries/{entry.EntryId}", TransactionResponse.From(row));
    }
}
