using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>Marks endpoints that speak JSON, so auth failures answer with problem+json rather than a sign-in redirect.</summary>
public sealed class ApiEndpointMetadata;

/// <summary>Errors as application/problem+json with a stable <c>code</c> that clients can switch on.</summary>
public static class Problems
{
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
        _ => Create(StatusCodes.Status500InternalServerError, "internal_error", "Unexpected ledger outcome."),
    };

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
    };
}
