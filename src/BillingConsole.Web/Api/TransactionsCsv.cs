namespace BillingConsole.Web.Api;

/// <summary>The transaction history as CSV: the JSON rows' fields as columns, in the same order; amounts as plain
/// invariant decimals, times as ISO 8601 UTC, text cells guarded against formula injection (<see cref="CsvText"/>).</summary>
public static class TransactionsCsv
{
    public static readonly ExportTable<TransactionResponse> Table = new(
        ["id", "created_at", "type", "amount", "balance_after", "description", "source", "ref_id"],
        (csv, r) => csv.Number(r.Id).Timestamp(r.CreatedAt).Text(r.Type).Number(r.Amount).Number(r.BalanceAfter).Text(r.Description)
            .Text(r.Source).Text(r.RefId));
}
