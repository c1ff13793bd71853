namespace BillingConsole.Web.Api;

/// <summary>How one kind of row is written as CSV: the header's columns and the cells of a row, in the same order.</summary>
public sealed record ExportTable<T>(string[] Columns, Action<CsvText, T> WriteCells)
{
    public string Header() => new CsvText().Row(Columns).ToString();

    /// <summary>The rows without the header.</summary>
    public string Rows(IEnumerable<T> rows)
    {
        var csv = new CsvText();
        foreach (var row in rows)
        {
            WriteCells(csv, row);
            csv.EndRow();
        }
        return csv.ToString();
    }
}
