using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;

namespace BillingConsole.Web.Components.Invoices;

/// <summary>
/// A statement as the page shows it: one row per headline figure (<see cref="EntryCategories"/>, the invoice's fields),
/// each signed by its effect on the balance, in an order that reads as a sum from the opening to the closing balance,
/// and the tie-out check opening + Σ lines == closing.
/// </summary>
public sealed class StatementFigures(Statement statement)
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    /// <summary>Shown every month, even at zero; the rarer categories (storage, card refunds, disputes and their
    /// reversals) only in a month that has such entries, so a usual statement is not padded with empty rows.</summary>
    private static readonly EntryCategory[] AlwaysShown =
    [
        EntryCategory.Purchase, EntryCategory.Fee, EntryCategory.Usage, EntryCategory.Refund, EntryCategory.Correction, EntryCategory.Grant,
    ];

    public Statement Statement { get; } = statement;

    public Money NetChange { get; } = statement.Lines.Aggregate(Money.Zero, (sum, line) => sum + line.Amount);

    /// <summary>Opening + Σ lines == closing: the ledger's movements in the month explain the change of balance.</summary>
    public bool TiesOut => Statement.OpeningBalance + NetChange == Statement.ClosingBalance;

    /// <summary>The movements between the opening and closing balance, one per category, each signed by its effect on
    /// the balance: purchases and grants add, fees and usage subtract (the invoice reports those two as charges, −this).</summary>
    public IReadOnlyList<Movement> Movements =>
    [
        .. EntryCategories.All
            .Where(c => AlwaysShown.Contains(c.Category) || Statement.Lines.Any(l => c.Types.Contains(l.Type)))
            .Select(c => new Movement(c.Field.Replace('_', '-'), c.Label, c.Description, Statement.Moved(c.Category))),
    ];

    public static string MonthName(BillingMonth month) => month.Start.ToString("MMMM yyyy", Us);

    /// <summary>"1 – 31 March 2026".</summary>
    public static string Period(BillingMonth month) =>
        $"{month.Start.Day} – {month.End.AddDays(-1).Day} {MonthName(month)}";

    public static string Count(long value) => value.ToString("N0", Us);

    /// <summary>One row of the summary: a movement of the balance and where it comes from.</summary>
    public sealed record Movement(string Id, string Label, string? Hint, Money Amount);
}
