using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Alerts;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

public sealed record AlertRuleResponse(long Id, string Kind,
    [property: Description("USD for balance_below, days for runway_below, a percentage for budget kinds, 0 for event kinds.")] decimal Threshold,
    [property: Description("The API key of a key_budget rule; null otherwise.")] long? KeyId,
    [property: Description("The budget of a budget rule; null otherwise.")] long? BudgetId,
    [property: Description("armed or firing.")] string State,
    DateTime? LastFiredAt, DateTime? LastResolvedAt, DateTime CreatedAt, string CreatedBy)
{
    public static AlertRuleResponse From(AlertRule r) =>
        new(r.Id, r.Kind, AlertsApi.ThresholdOf(r.Kind, r.Threshold), r.Kind == AlertKinds.Budget ? null : r.SubjectId,
            r.Kind == AlertKinds.Budget ? r.SubjectId : null, r.State, r.LastFiredAt, r.LastResolvedAt, r.CreatedAt, r.CreatedBy);
}

public sealed record AlertRuleBody(
    [property: Description("balance_below, runway_below, key_budget, budget, auto_recharge_declined or dispute_opened.")] string? Kind,
    [property: Description("USD for balance_below; whole days for runway_below; a whole percentage (1-100) for key_budget and budget; leave out for event kinds.")] decimal? Threshold,
    [property: Description("The API key a key_budget rule watches.")] long? KeyId = null,
    [property: Description("The budget a budget rule watches (GET /billing/budgets).")] long? BudgetId = null);

public sealed record AlertEventResponse(long Id, long RuleId, string Kind,
    [property: Description("fired or resolved.")] string Transition, string Message, DateTime CreatedAt);

public sealed record AlertEventsPage(List<AlertEventResponse> Data,
    [property: Description("Pass as before= for the next (older) page; null on the last page.")] long? NextBefore);

public sealed record WebhookEndpointResponse(long Id, string Url, DateTime CreatedAt, int ConsecutiveFailures, DateTime? DisabledAt, string? DisabledReason)
{
    public static WebhookEndpointResponse From(WebhookEndpointView e) => new(e.Id, e.Url, e.CreatedAt, e.ConsecutiveFailures, e.DisabledAt, e.DisabledReason);
}

public sealed record CreatedWebhookEndpointResponse(WebhookEndpointResponse Endpoint,
    [property: Description("The signing secret (Standard Webhooks, whsec_...): shown once.")] string Secret);

public sealed record WebhookSecretResponse([property: Description("The new signing secret: shown once; the old one stops signing at once.")] string Secret);

public sealed record WebhookEndpointBody([property: Description("An https URL of a public host.")] string? Url);

/// <summary>
/// <c>/billing/alerts</c>: the alert rules, their events and the webhook endpoints alerts are delivered to, for systems
/// that set up monitoring themselves. Every member (or a billing:read key) reads rules and events; owners (or a
/// keys:write key) create and delete rules and manage endpoints, exactly as on the alerts page. Endpoint secrets are
/// returned once, never listed.
/// </summary>
public static class AlertsApi
{
    public const string Route = "/billing/alerts";
    private const string NoSuchRule = "No such alert rule on this account.";
    private const string NoSuchEndpoint = "No such webhook endpoint on this account.";

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithMetadata(new ApiEndpointMetadata()).WithTags("Alerts");
        group.MapGet("/rules", ListRulesAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount).RequireKeyScope(ApiKeyScopes.BillingRead)
            .WithSummary("The account's alert rules with their state (armed or firing)");
        group.MapPost("/rules", CreateRuleAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Create an alert rule; it fires once per crossing and sends a resolved notice when the condition clears")
            .DocumentsJsonBody<AlertRuleBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/rules/{id}", DeleteRuleAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Delete an alert rule (its past events stay listed)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/events", ListEventsAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount).RequireKeyScope(ApiKeyScopes.BillingRead)
            .WithSummary("Alerts fired and resolved, newest first, paged with before=")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/endpoints", ListEndpointsAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("The webhook endpoints alerts are delivered to (never their secrets)");
        group.MapPost("/endpoints", CreateEndpointAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Register a webhook endpoint: deliveries are signed per Standard Webhooks with the secret shown once")
            .DocumentsJsonBody<WebhookEndpointBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/endpoints/{id}/rotate", RotateEndpointAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("A new signing secret for the endpoint (shown once); also turns a disabled endpoint back on")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/endpoints/{id}", DeleteEndpointAsync)
            .RequireAccountAccess(CustomerAction.ManageAlerts).RequireKeyScope(ApiKeyScopes.KeysWrite)
            .WithSummary("Delete a webhook endpoint; its pending deliveries are dropped")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<List<AlertRuleResponse>>> ListRulesAsync(ClaimsPrincipal user, AlertRules rules, CancellationToken ct) =>
        TypedResults.Ok((await rules.ListAsync(user.GetAccountId()!.Value, ct)).Select(AlertRuleResponse.From).ToList());

    public static async Task<Results<Created<AlertRuleResponse>, ProblemHttpResult>> CreateRuleAsync(HttpRequest request, ClaimsPrincipal user,
        AlertRules rules, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<AlertRuleBody>(request, ct);
        if (problem is not null)
            return problem;
        if (Bind(body!) is not { } rule)
            return Problems.Invalid(ThresholdRule(body!.Kind));
        var (created, error) = await rules.CreateAsync(user.GetAccountId()!.Value, rule, user.GetActorName(), ct);
        return created is null
            ? Problems.Invalid(error!)
            : TypedResults.Created($"{Route}/rules/{created.Id}", AlertRuleResponse.From(created));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRuleAsync(string id, ClaimsPrincipal user, AlertRules rules, CancellationToken ct) =>
        ApiBinder.TryId(id, out var ruleId) && await rules.DeleteAsync(user.GetAccountId()!.Value, ruleId, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound(NoSuchRule);

    public static async Task<Results<Ok<AlertEventsPage>, ProblemHttpResult>> ListEventsAsync(HttpRequest request, ClaimsPrincipal user,
        AlertRules rules, CancellationToken ct)
    {
        var query = request.Query;
        var limit = 50;
        if (query.ContainsKey("limit") && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > AlertRules.MaxEventsPage))
            return Problems.Invalid($"limit is a whole number from 1 to {AlertRules.MaxEventsPage}.");
        long? before = null;
        if (query.ContainsKey("before"))
        {
            if (!ApiBinder.TryId(query["before"], out var cursor))
                return Problems.Invalid("before is an event id from a previous page's next_before.");
            before = cursor;
        }
        var events = await rules.ListEventsAsync(user.GetAccountId()!.Value, limit + 1, before, ct);
        var page = events.Take(limit).Select(e => new AlertEventResponse(e.Id, e.RuleId, e.Kind, e.Transition, e.Message, e.CreatedAt)).ToList();
        return TypedResults.Ok(new AlertEventsPage(page, events.Count > limit ? page[^1].Id : null));
    }

    public static async Task<Ok<List<WebhookEndpointResponse>>> ListEndpointsAsync(ClaimsPrincipal user, WebhookEndpoints endpoints, CancellationToken ct) =>
        TypedResults.Ok((await endpoints.ListAsync(user.GetAccountId()!.Value, ct)).Select(WebhookEndpointResponse.From).ToList());

    public static async Task<Results<Created<CreatedWebhookEndpointResponse>, ProblemHttpResult>> CreateEndpointAsync(HttpRequest request,
        ClaimsPrincipal user, WebhookEndpoints endpoints, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<WebhookEndpointBody>(request, ct);
        if (problem is not null)
            return problem;
        var (endpoint, secret, error) = await endpoints.CreateAsync(user.GetAccountId()!.Value, body!.Url, user.GetActorName(), ct);
        return endpoint is null
            ? Problems.Invalid(error!)
            : TypedResults.Created($"{Route}/endpoints/{endpoint.Id}", new CreatedWebhookEndpointResponse(WebhookEndpointResponse.From(endpoint), secret!));
    }

    public static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> RotateEndpointAsync(string id, ClaimsPrincipal user,
        WebhookEndpoints endpoints, CancellationToken ct) =>
        ApiBinder.TryId(id, out var endpointId) && await endpoints.RotateAsync(user.GetAccountId()!.Value, endpointId, ct) is { } secret
            ? TypedResults.Ok(new WebhookSecretResponse(secret))
            : Problems.NotFound(NoSuchEndpoint);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteEndpointAsync(string id, ClaimsPrincipal user, WebhookEndpoints endpoints,
        CancellationToken ct) =>
        ApiBinder.TryId(id, out var endpointId) && await endpoints.DeleteAsync(user.GetAccountId()!.Value, endpointId, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound(NoSuchEndpoint);

    /// <summary>The rule the body asks for in the stored units (nano-dollars for money), or null when its threshold does
    /// not fit its kind's unit; everything else is <see cref="AlertRules.Validate"/>'s to refuse.</summary>
    public static NewAlertRule? Bind(AlertRuleBody body)
    {
        var kind = body.Kind ?? "";
        long threshold;
        if (body.Threshold is not { } value)
            threshold = 0;
        else if (kind == AlertKinds.BalanceBelow)
        {
            if (!Money.TryFromDecimal(value, out var money))
                return null;
            threshold = money.Units;
        }
        else if (value != decimal.Truncate(value) || value is < long.MinValue or > long.MaxValue)
            return null;
        else
            threshold = (long)value;
        // One subject per kind: a key for key_budget, a budget for budget; AlertRules refuses the wrong one.
        return new NewAlertRule(kind, threshold, kind == AlertKinds.Budget ? body.BudgetId ?? body.KeyId : body.KeyId ?? body.BudgetId);
    }

    public static decimal ThresholdOf(string kind, long threshold) => kind == AlertKinds.BalanceBelow ? new Money(threshold).ToDecimal() : threshold;

    private static string ThresholdRule(string? kind) => kind == AlertKinds.BalanceBelow
        ? "threshold is a USD amount with at most 9 decimals."
        : "threshold is a whole number in the kind's unit (days or a percentage).";
}
