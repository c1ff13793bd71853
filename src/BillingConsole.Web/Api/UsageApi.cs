using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
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
    /// filters: from/to (inclusive UTC dates of completion), model (slug), key_id, status, reservation_id (the one call
    /// with that reservation). <c>format=csv</c> downloads the same rows as CSV. <c>download=true</c> is the export:
    /// every matching record (older than <c>before</c> if given, at most <c>limit</c> if given) in one attachment,
    /// JSON or CSV, streamed <see cref="UsageQueries.MaxPageSize"/> records at a time.</summary>
    public static async Task<Results<Ok<List<RequestResponse>>, FileContentHttpResult, PushStreamHttpResult, ProblemHttpResult>> GetRequestsAsync(
        ClaimsPrincipal user, UsageQueries queries, TimeProvider clock, IOptions<HttpJsonOptions> json, string? from, string? to, string? limit,
        string? before, string? format, string? model, [FromQuery(Name = "key_id")] string? keyId, string? status,
        [FromQuery(Name = "reservation_id")] string? reservationId, string? download, CancellationToken ct)
    {
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > UsageQueries.MaxPageSize))
            return Problems.Invalid($"limit must be a whole number from 1 to {UsageQueries.MaxPageSize}.");
        var export = download?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            _ => (bool?)null,
        };
        if (export is null)
            return Problems.Invalid("download is true or false.");
        long? cursor = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                return Problems.Invalid("before must be the id of a request from a previous page.");
            cursor = id;
        }
        var csv = QueryValues.IsCsv(format);
        if (csv is null)
            return Problems.Invalid(QueryValues.FormatError);
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
        long? reservation = null;
        if (reservationId is not null)
        {
            if (!long.TryParse(reservationId, NumberStyles.None, CultureInfo.InvariantCulture, out var r) || r < 1)
                return Problems.Invalid("reservation_id must be the id of a reservation.");
            reservation = r;
        }

        var accountId = user.GetAccountId()!.Value;
        var filter = new RequestFilter(start, end, modelId, key, status, reservation);
        var name = $"requests-{accountId}-{clock.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.{(csv == true ? "csv" : "json")}";
        if (export == true)
            return await ExportRequestsAsync(queries, accountId, filter, limit is null ? null : size, cursor, csv == true, json.Value.SerializerOptions, name, ct);
        var rows = await queries.GetRequestsAsync(accountId, filter, size, cursor, ct);
        var responses = rows.Select(RequestResponse.From).ToList();
        if (csv == false)
            return TypedResults.Ok(responses);
        return TypedResults.File(Encoding.UTF8.GetBytes(RequestsCsv.Write(responses)), "text/csv; charset=utf-8", name);
    }

    /// <summary>Every record of the filter as one attachment, read page by page with the keyset cursor so memory stays
    /// flat however long the history is. The first page is read before the response starts, so a failing query is still
    /// an ordinary error response rather than a cut-off file.</summary>
    private static async Task<PushStreamHttpResult> ExportRequestsAsync(UsageQueries queries, long accountId, RequestFilter filter, int? cap,
        long? before, bool csv, JsonSerializerOptions jsonOptions, string fileName, CancellationToken ct)
    {
        int PageSize(int written) => cap is { } c ? Math.Min(UsageQueries.MaxPageSize, c - written) : UsageQueries.MaxPageSize;
        var requested = PageSize(0);
        var first = await queries.GetRequestsAsync(accountId, filter, requested, before, ct);

        async Task WriteAsync(Stream body)
        {
            // Rows are serialized into a buffer and copied to the response asynchronously: Kestrel refuses synchronous writes.
            var header = RequestsCsv.Write([]);
            var buffer = new ArrayBufferWriter<byte>();
            await using var writer = new Utf8JsonWriter(buffer,
                new JsonWriterOptions { Encoder = jsonOptions.Encoder, Indented = jsonOptions.WriteIndented });
            if (csv)
                await body.WriteAsync(Encoding.UTF8.GetBytes(header), ct);
            else
                writer.WriteStartArray();
            var (page, size, written) = (first, requested, 0);
            while (page.Count > 0)
            {
                var responses = page.Select(RequestResponse.From).ToList();
                if (csv)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(RequestsCsv.Write(responses)[header.Length..]), ct);
                }
                else
                {
                    foreach (var response in responses)
                        JsonSerializer.Serialize(writer, response, jsonOptions);
                    writer.Flush();
                    await body.WriteAsync(buffer.WrittenMemory, ct);
                    buffer.ResetWrittenCount();
                }
                written += page.Count;
                if (page.Count < size || (size = PageSize(written)) < 1)
                    break;
                page = await queries.GetRequestsAsync(accountId, filter, size, page[^1].Id, ct);
            }
            if (!csv)
            {
                writer.WriteEndArray();
                writer.Flush();
                await body.WriteAsync(buffer.WrittenMemory, ct);
            }
        }

        return TypedResults.Stream(WriteAsync, csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", fileName);
    }

    /// <summary>The month's statement from the ledger (default: the current month; a future month is refused). It ties
    /// out: opening_balance + Σ lines.amount == closing_balance. <c>format=csv</c> downloads it as CSV (see
    /// <see cref="InvoiceCsv"/>).</summary>
    public static async Task<Results<Ok<InvoiceResponse>, FileContentHttpResult, ProblemHttpResult>> GetInvoiceAsync(
        ClaimsPrincipal user, StatementQueries statements, TimeProvider clock, string? month, string? format, CancellationToken ct)
    {
        if (ParseMonth(month, clock) is not { } period)
            return Problems.Invalid("month must be YYYY-MM.");
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
