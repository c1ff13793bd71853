using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;

namespace BillingConsole.Web.Api;

/// <summary>
/// A statement as CSV, one record per figure under the header <c>month,kind,type,description,count,amount</c>: the
/// opening balance, one <c>line</c> per entry type (count and signed sum), the closing balance, then one headline
/// figure per <see cref="EntryCategories"/> category (purchased, fees, credits_used, storage, refunds, corrections,
/// grants, payment_refunds, disputes, dispute_reversals) with the JSON invoice's names and signs. Opening + the
/// <c>line</c> amounts = closing. Amounts are plain USD decimals, exact to the nano-dollar.
/// </summary>
public static class InvoiceCsv
{
    public static readonly string[] Columns = ["month", "kind", "type", "description", "count", "amount"];

    public static string Write(Statement s)
    {
        var month = s.Month.ToString();
        var csv = new CsvText().Row(Columns);
        void Figure(string kind, string description, Money amount) =>
            csv.Text(month).Text(kind).Text(null).Text(description).Number((long?)null).Number(amount.ToDecimal()).EndRow();
        Figure("opening_balance", "Opening balance", s.OpeningBalance);
        foreach (var line in s.Lines)
            csv.Text(month).Text("line").Text(line.Type).Text(EntryTypes.TryGet(line.Type, out var rule) ? rule.Label : line.Type)
                .Number(line.Count).Number(line.Amount.ToDecimal()).EndRow();
        Figure("closing_balance", "Closing balance", s.ClosingBalance);
        foreach (var category in EntryCategories.All)
            Figure(category.Field, $"{category.Label}: {category.Description}", s.Figure(category.Category));
        return csv.ToString();
    }
}
