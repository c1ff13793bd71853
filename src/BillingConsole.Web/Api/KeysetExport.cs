using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BillingConsole.Web.Api;

/// <summary>
/// The one writer of every CSV/JSON download: every matching row as one attachment, read page by page with the keyset
/// cursor (the id of the last row written), so memory stays flat however long the history is and rows appended meanwhile
/// (newer ids) never enter it. CSV starts with the header (also when no row matches) and escapes cells with
/// <see cref="CsvText"/>; JSON is one array of the API's own row objects. The first page is read before the response
/// starts, so a failing query is still an ordinary error response rather than a cut-off file.
/// </summary>
public static class KeysetExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <param name="cap">The most rows to write (the client's limit), or null for all.</param>
    public static async Task<PushStreamHttpResult> StreamAsync<T>(PageReader<T> read, Func<T, long> idOf, int maxPageSize, int? cap,
        long? before, ExportTable<T> table, bool csv, JsonSerializerOptions jsonOptions, string fileName, CancellationToken ct)
    {
        int PageSize(int written) => cap is { } c ? Math.Min(maxPageSize, c - written) : maxPageSize;
        var requested = PageSize(0);
        var first = await read(requested, before, ct);

        async Task WriteAsync(Stream body)
        {
            // Rows are serialized into a buffer and copied to the response asynchronously: Kestrel refuses synchronous writes.
            var buffer = new ArrayBufferWriter<byte>();
            await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = jsonOptions.Encoder, Indented = jsonOptions.WriteIndented });
            if (csv)
                await body.WriteAsync(Encoding.UTF8.GetBytes(table.Header()), ct);
            else
                json.WriteStartArray();
            var (page, size, written) = (first, requested, 0);
            while (page.Count > 0)
            {
                if (csv)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(table.Rows(page)), ct);
                }
                else
                {
                    foreach (var row in page)
                        JsonSerializer.Serialize(json, row, jsonOptions);
                    await FlushAsync(json, buffer, body, ct);
                }
                written += page.Count;
                if (page.Count < size || (size = PageSize(written)) < 1)
                    break;
                page = await read(size, idOf(page[^1]), ct);
            }
            if (!csv)
            {
                json.WriteEndArray();
                await FlushAsync(json, buffer, body, ct);
            }
        }

        return TypedResults.Stream(WriteAsync, csv ? CsvContentType : JsonContentType, fileName);
    }

    private static async Task FlushAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, Stream body, CancellationToken ct)
    {
        json.Flush();
        await body.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }
}
