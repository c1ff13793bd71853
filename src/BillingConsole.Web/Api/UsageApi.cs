using System.Globalization;
using System.Security.Claims;
using System.Text;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>
/// The customer's usage over HTTP: <c>GET /billing/summary</c>, <c>/billing/usage</c>, <c>/billing/requests</c> (JSON or
/// CSV) and <c>/billing/invoice</c>. Only the caller's account is read; bad parameters are 400 <c>invalid_request</c>.
/// </summary>
public static class UsageApi
{
    public const int DefaultPageSize = 50;

    /// <summary>The default usage range: the last 30 days, today included.</summary>
    public const int DefaultRangeDays = 30;

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/billing")
            .RequireAuthorization(BillingClaims.CustomerPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Usage");
        billing.MapGet("/summary", GetSummaryAsync);
        billing.MapGet("/usage", GetUsageAsync);
        billing.MapGet("/requests", GetRequestsAsync);
        billing.MapGet("/invoice", GetInvoiceAsync);
        return app;
    }

    /// <summary>The month's spending and usage (default: the current UTC month); see <see cref="UsageQueries.GetSummaryAsync"/>.</summary>
    public static async Task<Results<Ok<SummaryResponse>, ProblemHttpResult>> GetSummaryAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, string? month, CancellationToken ct)
    {
        if (ParseMonth(month, clock) is not { } period)
            return Problems.Invalid("month must be YYYY-MM.");
        var summary = await queries.GetSummaryAsync(user.GetAccountId()!.Value, period, ct);
        return TypedResults.Ok(SummaryResponse.From(summary));
    }

    /// <summary>Usage rows from <c>from</c> to <c>to</c> (inclusive UTC dates, default the last 30 days), grouped on
    /// <c>group_by</c> (default day,model). Tag rows can add up to more than the total: a call counts under each of its tags.</summary>
    public static async Task<Results<Ok<List<UsageRowResponse>>, ProblemHttpResult>> GetUsageAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, string? from, string? to,
        [FromQuery(Name = "group_by")] string? groupBy, CancellationToken ct)
    {
        var (start, end, rangeError) = ParseRange(from, to, clock, DefaultRangeDays);
        if (rangeError is not null)
            return Problems.Invalid(rangeError);
        if (end!.Value.DayNumber - start!.Value.DayNumber + 1 > UsageQueries.MaxRangeDays)
            return Problems.Invalid($"The range from {start:yyyy-MM-dd} to {end:yyyy-MM-dd} is longer than {UsageQueries.MaxRangeDays} days.");
        if (UsageGrouping.TryParse(groupBy, out var dimensions) is { } groupError)
            return Problems.Invalid(groupError);
        var rows = await queries.GetUsageAsync(user.GetAccountId()!.Value, start.Value, end.Value, dimensions, ct);
        return TypedResults.Ok(rows.Select(UsageRowResponse.From).ToList());
    }

    /// <summary>The audit trail, newest first; <c>before</c> is the id of the last record already received. Optional
    /// filters: from/to (inclusive UTC dates of completion), model (slug), key_id, status. <c>format=csv</c> downloads
    /// the same rows as CSV.</summary>
    public static async Task<Results<Ok<List<RequestResponse>>, FileContentHttpResult, ProblemHttpResult>> GetRequestsAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, string? from, string? to, string? limit, string? before, string? format,
        string? model, [FromQuery(Name = "key_id")] string? keyId, string? status, CancellationToken ct)
    {
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > UsageQueries.MaxPageSize))
            return Problems.Invalid($"limit must be a whole number from 1 to {UsageQueries.MaxPageSize}.");
        long? cursor = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                return Problems.Invalid("before must be the id of a request from a previous page.");
            cursor = id;
        }
        var csv = format?.ToLowerInvariant() switch
        {
            null or "json" => false,
            "csv" => true,
            _ => (bool?)null,
        };
        if (csv is null)
            return Problems.Invalid("format is json or csv.");
        var (start, end, rangeError) = ParseRange(from, to, clock, defaultDays: null);
        if (rangeError is not null)
            return Problems.Invalid(rangeError);
        long? modelId = null;
        if (model is not null)
        {
            modelId = string.IsNullOrWhiteSpace(model) ? null : await queries.FindModelIdAsync(model, ct);
            if (modelId is null)
                return Problems.Invalid($"model '{model}' is not a model of the catalog.");
        }
        long? key = null;
        if (keyId is not null)
        {
            if (!long.TryParse(keyId, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
                return Problems.Invalid("key_id must be the id of an API key.");
            key = k;
        }
        if (status is not null && !IsStatus(status))
            return Problems.Invalid($"status is one of {RequestStatus.Success}, {RequestStatus.Error}, {RequestStatus.Cancelled}, {RequestStatus.Expired}.");

        var accountId = user.GetAccountId()!.Value;
        var rows = await queries.GetRequestsAsync(accountId, new RequestFilter(start, end, modelId, key, status), size, cursor, ct);
        var responses = rows.Select(RequestResponse.From).ToList();
        if (csv == false)
            return TypedResults.Ok(responses);
        var name = $"requests-{accountId}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv";
        return TypedResults.File(Encoding.UTF8.GetBytes(RequestsCsv.Write(responses)), "text/csv; charset=utf-8", name);
    }

    /// <summary>The month's statement from the ledger (default: the current month; a future month is refused). It ties
    /// out: opening_balance + Σ lines.amount == closing_balance.</summary>
    public static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> GetInvoiceAsync(
        ClaimsPrincipal user, StatementQueries statements, TimeProvider clock, string? month, CancellationToken ct)
    {
        if (ParseMonth(month, clock) is not { } period)
            return Problems.Invalid("month must be YYYY-MM.");
        if (period > BillingMonth.Of(clock.GetUtcNow().UtcDateTime))
            return Problems.Invalid($"{period} has not started yet.");
        var statement = await statements.GetStatementAsync(user.GetAccountId()!.Value, period, ct);
        return TypedResults.Ok(InvoiceResponse.From(statement));
    }

    private static BillingMonth? ParseMonth(string? text, TimeProvider clock) =>
        text is null ? BillingMonth.Of(clock.GetUtcNow().UtcDateTime)
        : BillingMonth.TryParse(text, out var month) ? month
        : null;

    /// <summary>Exactly YYYY-MM-DD, years 0002 to 9998 (so a default range start and the day after an end exist).</summary>
    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date.Year is >= 2 and <= 9998;

    /// <summary>Parses an inclusive date range. With <paramref name="defaultDays"/> a missing end is today and a missing
    /// start is that many days before the end (end included); without it, missing ends stay open.</summary>
    private static (DateOnly? From, DateOnly? To, string? Error) ParseRange(string? from, string? to, TimeProvider clock, int? defaultDays)
    {
        DateOnly? start = null, end = null;
        if (from is not null)
        {
            if (!TryParseDate(from, out var d))
                return (null, null, "from must be a date YYYY-MM-DD.");
            start = d;
        }
        if (to is not null)
        {
            if (!TryParseDate(to, out var d))
                return (null, null, "to must be a date YYYY-MM-DD.");
            end = d;
        }
        if (defaultDays is { } days)
        {
            end ??= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            start ??= end.Value.AddDays(-(days - 1));
        }
        if (start is { } s && end is { } e && s > e)
            return (null, null, "from must not be after to.");
        return (start, end, null);
    }

    private static bool IsStatus(string status) =>
        status is RequestStatus.Success or RequestStatus.Error or RequestStatus.Cancelled or RequestStatus.Expired;
}
