using System.ComponentModel;
using System.Security.Claims;
using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record BudgetResponse(
    long Id,
    [property: Description("The key the budget caps; null for the account's budget (every hold of the account counts).")] long? ApiKeyId,
    string? KeyName,
    [property: Description("USD the period may commit.")] decimal Amount,
    [property: Description("daily, weekly (ISO weeks, from Monday), monthly or lifetime; boundaries in UTC.")] string Period,
    [property: Description("USD committed in the current period: open holds plus settled costs of the calls reserved in it.")] decimal Spent,
    decimal Remaining,
    int PercentUsed,
    DateTime PeriodStart,
    [property: Description("When the budget starts afresh (UTC); null for lifetime.")] DateTime? ResetAt,
    DateTime CreatedAt,
    string CreatedBy)
{
    public static BudgetResponse From(BudgetView v) => new(v.Id, v.ApiKeyId, v.KeyName, v.Amount.ToDecimal(), v.Period, v.Spent.ToDecimal(),
        v.Remaining.ToDecimal(), v.PercentUsed, v.PeriodStart, v.ResetAt, v.CreatedAt, v.CreatedBy);
}

public sealed record BudgetBody(
    [property: Description("Cap one key of the account; leave out for the account's budget (owners only).")] long? ApiKeyId,
    [property: Description("USD above 0, at most 9 decimals.")] decimal? Amount,
    [property: Description("daily, weekly, monthly or lifetime.")] string? Period);

public sealed record BudgetAmountBody([property: Description("The new amount in USD, above 0.")] decimal? Amount);

/// <summary>
/// <c>/billing/budgets</c>: every member (a billing:read key) reads the account's budgets with this period's spend;
/// owners set the account's budgets, developers and owners a key's (a keys:write key both). Admins do the same for any
/// account under <c>/v1/admin/accounts/{id}/budgets</c>. Bad input is 400 and writes nothing.
/// </summary>
public static class BudgetsApi
{
    public const string Route = "/billing/budgets";

    public static IEndpointRouteBuilder MapBudgetsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithMetadata(new ApiEndpointMetadata()).WithTags("Budgets");
        group.MapGet("", ListAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .RequireKeyScope(ApiKeyScopes.BillingRead)
            .WithSummary("The account's budgets with what this period spent, what remains and when each starts afresh");
        // Key budgets are a developer's (like the key's own limit); the handler asks an owner for an account budget.
        group.MapPost("", CreateAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Add a budget of the account or of one key")
            .DocumentsJsonBody<BudgetBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id}", UpdateAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Change a budget's amount")
            .DocumentsJsonBody<BudgetAmountBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync)
            .RequireAccountAccess(CustomerAction.ManageKeys)
            .RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Delete a budget")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = app.MapGroup("/v1/admin/accounts/{id}/budgets")
            .RequireAuthorization(BillingClaims.AdminTokenPolicy)
            .WithMetadata(new ApiEndpointMetadata()).WithTags("Admin");
        admin.MapGet("", AdminListAsync).WithSummary("An account's budgets (admin)").ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("", AdminCreateAsync).WithSummary("Add a budget to an account or one of its keys (admin)")
            .DocumentsJsonBody<BudgetBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPut("/{budget_id}", AdminUpdateAsync).WithSummary("Change a budget's amount (admin)")
            .DocumentsJsonBody<BudgetAmountBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/{budget_id}", AdminDeleteAsync).WithSummary("Delete a budget (admin)").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<List<BudgetResponse>>> ListAsync(ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
        TypedResults.Ok((await budgets.ListAsync(user.GetAccountId()!.Value, ct)).Select(BudgetResponse.From).ToList());

    public static async Task<Results<Created<BudgetResponse>, ProblemHttpResult>> CreateAsync(HttpRequest request, ClaimsPrincipal user,
        BudgetService budgets, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<BudgetBody>(request, ct);
        if (problem is not null)
            return problem;
        if (Bind(body!.Amount, out var amount) is { } invalid)
            return invalid;
        if (RefusedFor(user, body.ApiKeyId) is { } refused)
            return refused;
        return Created(await budgets.CreateAsync(user.GetAccountId()!.Value, body.ApiKeyId, amount, body.Period ?? "", user.GetActorName(), ct), "/billing/budgets");
    }

    public static async Task<Results<Ok<BudgetResponse>, ProblemHttpResult>> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal user,
        BudgetService budgets, CancellationToken ct)
    {
        var accountId = user.GetAccountId()!.Value;
        if (await FindAsync(budgets, accountId, id, ct) is not { } budget)
            return Problems.NotFound(NoSuchBudget);
        var (body, problem) = await JsonBody.ReadAsync<BudgetAmountBody>(request, ct);
        if (problem is not null)
            return problem;
        if (Bind(body!.Amount, out var amount) is { } invalid)
            return invalid;
        if (RefusedFor(user, budget.ApiKeyId) is { } refused)
            return refused;
        return Answer(await budgets.UpdateAsync(accountId, budget.Id, amount, ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, BudgetService budgets, CancellationToken ct)
    {
        var accountId = user.GetAccountId()!.Value;
        if (await FindAsync(budgets, accountId, id, ct) is not { } budget)
            return Problems.NotFound(NoSuchBudget);
        if (RefusedFor(user, budget.ApiKeyId) is { } refused)
            return refused;
        var result = await budgets.DeleteAsync(accountId, budget.Id, ct);
        return result.Succeeded ? TypedResults.NoContent() : ProblemOf(result);
    }

    public static async Task<Results<Ok<List<BudgetResponse>>, ProblemHttpResult>> AdminListAsync(string id, BudgetService budgets,
        Accounting.Admin.AdminAccounts accounts, CancellationToken ct) =>
        await AccountAsync(id, accounts, ct) is { } accountId
            ? TypedResults.Ok((await budgets.ListAsync(accountId, ct)).Select(BudgetResponse.From).ToList())
            : Problems.NotFound(NoSuchAccount);

    public static async Task<Results<Created<BudgetResponse>, ProblemHttpResult>> AdminCreateAsync(string id, HttpRequest request, ClaimsPrincipal user,
        BudgetService budgets, Accounting.Admin.AdminAccounts accounts, CancellationToken ct)
    {
        if (await AccountAsync(id, accounts, ct) is not { } accountId)
            return Problems.NotFound(NoSuchAccount);
        var (body, problem) = await JsonBody.ReadAsync<BudgetBody>(request, ct);
        if (problem is not null)
            return problem;
        if (Bind(body!.Amount, out var amount) is { } invalid)
            return invalid;
        return Created(await budgets.CreateAsync(accountId, body.ApiKeyId, amount, body.Period ?? "", user.GetTokenActor()!.Name, ct),
            $"/v1/admin/accounts/{accountId}/budgets");
    }

    public static async Task<Results<Ok<BudgetResponse>, ProblemHttpResult>> AdminUpdateAsync(string id, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "budget_id")] string budgetId,
        HttpRequest request, BudgetService budgets, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId) || await FindAsync(budgets, accountId, budgetId, ct) is not { } budget)
            return Problems.NotFound(NoSuchBudget);
        var (body, problem) = await JsonBody.ReadAsync<BudgetAmountBody>(request, ct);
        if (problem is not null)
            return problem;
        if (Bind(body!.Amount, out var amount) is { } invalid)
            return invalid;
        return Answer(await budgets.UpdateAsync(accountId, budget.Id, amount, ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> AdminDeleteAsync(string id, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "budget_id")] string budgetId,
        BudgetService budgets, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId) || await FindAsync(budgets, accountId, budgetId, ct) is not { } budget)
            return Problems.NotFound(NoSuchBudget);
        var result = await budgets.DeleteAsync(accountId, budget.Id, ct);
        return result.Succeeded ? TypedResults.NoContent() : ProblemOf(result);
    }

    private const string NoSuchBudget = "No such budget.";
    private const string NoSuchAccount = "No such account.";

    /// <summary>The route lets developers in (key budgets); an account budget (no key) is an owner's, like payment settings.</summary>
    private static ProblemHttpResult? RefusedFor(ClaimsPrincipal user, long? apiKeyId) =>
        apiKeyId is null && !AccountPermissions.Allows(user, CustomerAction.ManagePaymentSettings)
            ? Problems.Create(StatusCodes.Status403Forbidden, Problems.InsufficientRole, "Only owners can set the account's budgets; developers can set a key's.")
            : null;

    private static async Task<long?> AccountAsync(string id, Accounting.Admin.AdminAccounts accounts, CancellationToken ct) =>
        ApiBinder.TryId(id, out var accountId) && await accounts.GetAsync(accountId, ct) is not null ? accountId : null;

    private static async Task<BudgetView?> FindAsync(BudgetService budgets, long accountId, string id, CancellationToken ct) =>
        ApiBinder.TryId(id, out var budgetId) ? await budgets.GetAsync(accountId, budgetId, ct) : null;

    private static ProblemHttpResult? Bind(decimal? value, out Money amount)
    {
        amount = Money.Zero;
        if (value is not { } dollars || !Money.TryFromDecimal(dollars, out amount) || amount.Units <= 0)
            return Problems.Invalid("amount is required: a positive USD amount with at most 9 decimals.");
        return null;
    }

    /// <summary>A session's email, or the API key that acted.</summary>
    private static Results<Created<BudgetResponse>, ProblemHttpResult> Created(BudgetResult result, string route) =>
        result.Value is { } created ? TypedResults.Created($"{route}/{created.Id}", BudgetResponse.From(created)) : ProblemOf(result);

    private static Results<Ok<BudgetResponse>, ProblemHttpResult> Answer(BudgetResult result) =>
        result.Value is { } view ? TypedResults.Ok(BudgetResponse.From(view)) : ProblemOf(result);

    private static ProblemHttpResult ProblemOf(BudgetResult result) => result.Error switch
    {
        BudgetError.NotFound => Problems.NotFound(result.Message!),
        BudgetError.Exists => Problems.Create(StatusCodes.Status409Conflict, "budget_exists", result.Message!),
        _ => Problems.Invalid(result.Message!),
    };
}
