using System.ComponentModel;
using System.Security.Claims;
using System.Text;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

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
        // Each endpoint declares its own account action: the per-call audit trail needs more than the figures.
        var billing = app.MapGroup("/billing")
            .RequireKeyScope(Accounting.Identity.ApiKeyScopes.BillingRead)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Usage");
        billing.MapGet("/summary", GetSummaryAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .WithSummary("The month's spending and usage")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        billing.MapGet("/usage", GetUsageAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .WithSummary("Usage rows over a date range, grouped")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        billing.MapGet("/requests", GetRequestsAsync)
            .RequireAccountAccess(CustomerAction.ReadRequests)
            .WithSummary("The audit trail of metered calls (JSON page, or a CSV/JSON download)")
            .WithDescription("Pages backwards with `before` (the id of the last record received). `format=csv`, or `download=true` "
                + "with JSON, downloads every matching record as one attachment (text/csv or application/json), at most `limit` when given. "
                + "`tag` keeps the calls that carry that tag. Each record names its API key (`key_name`, kept after the key is revoked; "
                + "null for a call made without a key). No prompt content is ever stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        billing.MapGet("/invoice", GetInvoiceAsync)
            .RequireAccountAccess(CustomerAction.ReadAccount)
            .WithSummary("The month's statement from the ledger (JSON or CSV)")
            .WithDescription("opening_balance + Σ lines.amount == closing_balance. `format=csv` downloads it as text/csv.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <summary>The month's spending and usage (default: the current UTC month); see <see cref="UsageQueries.GetSummaryAsync"/>.</summary>
    public static async Task<Results<Ok<SummaryResponse>, ProblemHttpResult>> GetSummaryAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, [Description("YYYY-MM (default: the current UTC month).")] string? month,
        CancellationToken ct)
    {
        if (ApiBinder.Month("month", month, clock, out var period) is { } badMonth)
            return badMonth;
        var summary = await queries.GetSummaryAsync(user.GetAccountId()!.Value, period, ct);
        return TypedResults.Ok(SummaryResponse.From(summary));
    }

    /// <summary>Usage rows from <c>from</c> to <c>to</c> (inclusive UTC dates, default the last 30 days), grouped on
    /// <c>group_by</c> (default day,model). Tag rows can add up to more than the total: a call counts under each of its tags.</summary>
    public static async Task<Results<Ok<List<UsageRowResponse>>, ProblemHttpResult>> GetUsageAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, [AsParameters] DateRangeQuery range,
        [FromQuery(Name = "group_by"), Description("A comma list of day, model, provider, key, type, tag (default day,model).")] string? groupBy,
        CancellationToken ct)
    {
        if (range.Bind(clock, DefaultRangeDays, UsageQueries.MaxRangeDays, out var start, out var end) is { } badRange)
            return badRange;
        if (UsageGrouping.TryParse(groupBy, out var dimensions) is { } groupError)
            return Problems.Invalid(groupError);
        var rows = await queries.GetUsageAsync(user.GetAccountId()!.Value, start, end, dimensions, ct);
        return TypedResults.Ok(rows.Select(UsageRowResponse.From).ToList());
    }

    /// <summary>The audit trail, newest first; <c>before</c> is the id of the last record already received. Optional
    /// filters: from/to (inclusive UTC dates of completion), model (slug), key_id, status, tag (calls carrying that tag),
    /// reservation_id (the one call with that reservation). <c>format=csv</c> (or <c>download=true</c> for JSON) is the export: every matching record
    /// (older than <c>before</c> if given, at most <c>limit</c> if given) in one attachment, through <see cref="KeysetExport"/>.</summary>
    public static async Task<Results<Ok<List<RequestResponse>>, PushStreamHttpResult, ProblemHttpResult>> GetRequestsAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, IOptions<HttpJsonOptions> json, [AsParameters] PageQuery page,
        [AsParameters] DateRangeQuery range, [AsParameters] ExportQuery export,
        [Description("A model slug of the price catalog.")] string? model,
        [FromQuery(Name = "key_id"), Description("Only calls made with this API key.")] string? keyId,
        [Description("success, error, cancelled or expired.")] string? status,
        [FromQuery(Name = "reservation_id"), Description("Only the call of this reservation.")] string? reservationId,
        [Description("Only calls carrying this tag (one tag: 1 to 64 letters, digits and _ . : / -).")] string? tag,
        CancellationToken ct)
    {
        if (page.Bind(DefaultPageSize, UsageQueries.MaxPageSize, out var paging) is { } badPage)
            return badPage;
        if (export.Bind(out var csv, out var download) is { } badExport)
            return badExport;
        if (range.Bind(out var start, out var end) is { } badRange)
            return badRange;
        long? modelId = null;
        if (model is not null)
        {
            modelId = string.IsNullOrWhiteSpace(model) ? null : await queries.FindModelIdAsync(model, ct);
            if (modelId is null)
                return Problems.Invalid($"model '{model}' is not a model of the catalog.");
        }
        if (ApiBinder.OptionalId("key_id", keyId, out var key) is { } badKey)
            return badKey;
        if (status is not null && !IsStatus(status))
            return Problems.Invalid($"status is one of {RequestStatus.Success}, {RequestStatus.Error}, {RequestStatus.Cancelled}, {RequestStatus.Expired}.");
        if (ApiBinder.OptionalId("reservation_id", reservationId, out var reservation) is { } badReservation)
            return badReservation;
        if (ApiBinder.OptionalTag("tag", tag, out var oneTag) is { } badTag)
            return badTag;

        var accountId = user.GetAccountId()!.Value;
        var filter = new RequestFilter(start, end, modelId, key, status, reservation, oneTag);
        async Task<IReadOnlyList<RequestResponse>> ReadAsync(int size, long? before, CancellationToken token) =>
            (await queries.GetRequestsAsync(accountId, filter, size, before, token)).Select(RequestResponse.From).ToList();
        if (download)
        {
            var name = $"requests-{accountId}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.{(csv ? "csv" : "json")}";
            return await KeysetExport.StreamAsync(ReadAsync, r => r.Id, UsageQueries.MaxPageSize, paging.ExportCap, paging.Before,
                RequestsCsv.Table, csv, json.Value.SerializerOptions, name, ct);
        }
        return TypedResults.Ok((await ReadAsync(paging.Size, paging.Before, ct)).ToList());
    }

    /// <summary>The month's statement from the ledger (default: the current month; a future month is refused). It ties
    /// out: opening_balance + Σ lines.amount == closing_balance. <c>format=csv</c> downloads it as CSV (see
    /// <see cref="InvoiceCsv"/>).</summary>
    public static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ProblemHttpResult>> GetInvoiceAsync(
        ClaimsPrincipal user, StatementQueries statements, TimeProvider clock,
        [Description("YYYY-MM, not in the future (default: the current UTC month).")] string? month,
        [Description("json (default) or csv.")] string? format, CancellationToken ct)
    {
        if (ApiBinder.Month("month", month, clock, out var period) is { } badMonth)
            return badMonth;
        if (period > BillingMonth.Of(clock.GetUtcNow().UtcDateTime))
            return Problems.Invalid($"{period} has not started yet.");
        var csv = QueryValues.IsCsv(format);
        if (csv is null)
            return Problems.Invalid(QueryValues.FormatError);
        var accountId = user.GetAccountId()!.Value;
        var statement = await statements.GetStatementAsync(accountId, period, ct);
        if (csv == false)
            return TypedResults.Ok(InvoiceResponse.From(statement));
        return TypedResults.File(Encoding.UTF8.GetBytes(InvoiceCsv.Write(statement)), "text/csv; charset=utf-8", $"statement-{accountId}-{period}.csv");
    }

    private static bool IsStatus(string status) =>
        status is RequestStatus.Success or RequestStatus.Error or RequestStatus.Cancelled or RequestStatus.Expired;
}
