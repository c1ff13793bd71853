using System.Text;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Web.Api;

/// <summary>
/// The transaction history as CSV: the JSON rows' fields as columns, in the same order, under a header row; amounts as
/// plain invariant decimals, times as ISO 8601 UTC, text cells guarded against formula injection (<see cref="CsvText"/>).
/// Rows are read and written a page at a time with the keyset cursor, so an export of any size holds one page in memory
/// and rows appended meanwhile (newer ids) never enter it.
/// </summary>
public static class TransactionsCsv
{
    public static readonly string[] Columns = ["id", "created_at", "type", "amount", "balance_after", "description", "source", "ref_id"];

    public static string Header() => new CsvText().Row(Columns).ToString();

    public static string Write(IEnumerable<TransactionResponse> rows)
    {
        var csv = new CsvText();
        foreach (var r in rows)
            csv.Number(r.Id).Timestamp(r.CreatedAt).Text(r.Type).Number(r.Amount).Number(r.BalanceAfter).Text(r.Description)
                .Text(r.Source).Text(r.RefId).EndRow();
        return csv.ToString();
    }

    /// <summary>Writes the header and every row of <paramref name="filter"/> older than <paramref name="before"/> (all
    /// when null), at most <paramref name="max"/> rows when given.</summary>
    public static async Task WriteAsync(Stream body, LedgerQueries queries, long accountId, TransactionFilter filter, long? before,
        int? max, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(Header()), ct);
        var written = 0;
        var cursor = before;
        while (max is null || written < max)
        {
            var pageSize = max is { } m ? Math.Min(LedgerQueries.MaxPageSize, m - written) : LedgerQueries.MaxPageSize;
            var page = await queries.GetTransactionsAsync(accountId, filter, pageSize, cursor, ct);
            if (page.Count > 0)
                await body.WriteAsync(Encoding.UTF8.GetBytes(Write(page.Select(TransactionResponse.From))), ct);
            written += page.Count;
            if (page.Count < pageSize)
                break;
            cursor = page[^1].Id;
        }
    }
}
