using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>Marks endpoints that speak JSON, so auth failures answer with problem+json rather than a sign-in redirect.</summary>
public sealed class ApiEndpointMetadata;

/// <summary>Errors as application/problem+json with a stable <c>code</c> that clients can switch on.</summary>
public static class Problems
{
    /// <summary>403: the API key lacks the scope the endpoint needs (<c>ApiKeyScopes</c>), or may not grant a scope it lacks.</summary>
    public const string InsufficientScope = "insufficient_scope";

    /// <summary>403: the session's role in the account is below what the endpoint needs (<c>AccountPermissions</c>).</summary>
    public const string InsufficientRole = "insufficient_role";

    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = Titles.GetValueOrDefault(status, "Error"),
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
            Extensions = { ["code"] = code },
        });

    public static ProblemHttpResult Invalid(string detail) => Create(StatusCodes.Status400BadRequest, "invalid_request", detail);

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "not_found", detail);

    /// <summary>The one mapping from ledger failures to HTTP.</summary>
    public static ProblemHttpResult From(LedgerFailure failure) => failure.Error switch
    {
        LedgerError.InvalidRequest => Invalid(failure.Message),
        LedgerError.NotFound => NotFound(failure.Message),
        LedgerError.InsufficientCredits => Create(StatusCodes.Status402PaymentRequired, "insufficient_credits", failure.Message),
        LedgerError.IdempotencyConflict => Create(StatusCodes.Status409Conflict, "idempotency_conflict", failure.Message),
        LedgerError.ReservationClosed => Create(StatusCodes.Status409Conflict, "reservation_closed", failure.Message),
        LedgerError.BalanceLimit => Create(StatusCodes.Status422UnprocessableEntity, "balance_limit", failure.Message),
        LedgerError.SpendLimitReached => Create(StatusCodes.Status403Forbidden, "spend_limit_reached", failure.Message),
        LedgerError.KeyRevoked => Create(StatusCodes.Status403Forbidden, "key_revoked", failure.Message),
        LedgerError.Contention => Create(StatusCodes.Status409Conflict, "write_contention", failure.Message),
        // 403 like spend_limit_reached and key_revoked: the caller is authenticated but this account may not spend now;
        // retrying will not help until an admin reinstates it.
        LedgerError.AccountSuspended => Create(StatusCodes.Status403Forbidden, "account_suspended", failure.Message),
        // 409: the request conflicts with the account's state (it is closed, for good), which no credential changes;
        // a 403 would read as "wrong credential" to a client that retries with another key.
        LedgerError.AccountClosed => Create(StatusCodes.Status409Conflict, "account_closed", failure.Message),
        LedgerError.AccountNotEmpty => Create(StatusCodes.Status409Conflict, "account_not_empty", failure.Message),
        // 403 like a key's spend_limit_reached: a limit the customer set, with what a gateway needs to say when it lifts.
        LedgerError.BudgetExceeded => BudgetExceeded(failure),
        // 409 naming the key: a retry of a create must not make a second key, and the secret cannot be shown again.
        LedgerError.KeyAlreadyCreated => WithExtension(Create(StatusCodes.Status409Conflict, "key_already_created", failure.Message), "key_id", failure.KeyId),
        _ => Create(StatusCodes.Status500InternalServerError, "internal_error", "Unexpected ledger outcome."),
    };

    private static ProblemHttpResult WithExtension(ProblemHttpResult problem, string name, object? value)
    {
        problem.ProblemDetails.Extensions[name] = value;
        return problem;
    }

    private static ProblemHttpResult BudgetExceeded(LedgerFailure failure)
    {
        var problem = Create(StatusCodes.Status403Forbidden, "budget_exceeded", failure.Message);
        if (failure.Budget is { } b)
        {
            problem.ProblemDetails.Extensions["budget_id"] = b.BudgetId;
            problem.ProblemDetails.Extensions["period"] = b.Period;
            problem.ProblemDetails.Extensions["reset_at"] = b.ResetAt;
        }
        return problem;
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string detail) =>
        Create(status, code, detail).ExecuteAsync(context);

    private static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "Invalid request",
        [401] = "Unauthorized",
        [402] = "Insufficient credits",
        [403] = "Forbidden",
        [404] = "Not found",
        [409] = "Conflict",
        [413] = "Payload too large",
        [415] = "Unsupported media type",
        [422] = "Unprocessable",
        [429] = "Too many requests",
        [405] = "Method not allowed",
        [500] = "Server error",
    };

    /// <summary>The stable code for a problem the framework writes itself (status pages, exception handlers).</summary>
    public static string CodeFor(HttpContext context, int status) => AntiforgeryFailed(context, status) ? "antiforgery_failed" : CodeFor(status);

    /// <summary>A form endpoint refused because the antiforgery middleware found no valid token (a 400 in Production,
    /// a BadHttpRequestException that the developer exception page explains in Development).</summary>
    private static bool AntiforgeryFailed(HttpContext context, int status) =>
        status == StatusCodes.Status400BadRequest && context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false };

    /// <summary>The stable code for a bare status: what the framework answers without a body.</summary>
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        >= 500 => "internal_error",
        _ => "invalid_request",
    };

    /// <summary>Explains a status the framework set without a body (no route, the router's 405, Kestrel's body limit, a
    /// failed antiforgery check): the status-code-pages handler for API requests.</summary>
    public static Task ForStatusAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (AntiforgeryFailed(context, status))
            return WriteAsync(context, status, "antiforgery_failed", "The form's antiforgery token is missing or invalid: reload the page and send it again.");
        var detail = status switch
        {
            StatusCodes.Status404NotFound => "There is no route at this path.",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed here; allowed: {context.Response.Headers.Allow}.",
            StatusCodes.Status413PayloadTooLarge => $"The body is larger than {JsonBody.MaxBytes:N0} bytes.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
            _ => Titles.GetValueOrDefault(status, "The request was refused."),
        };
        return WriteAsync(context, status, CodeFor(status), detail);
    }
}
