using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;

namespace BillingConsole.Web.Components.Invoices;

/// <summary>
/// A statement as the page shows it: the headline figures as signed movements of the balance, in an order that reads
/// as a sum from the opening to the closing balance (types that no headline figure covers, such as storage, card
/// refunds and disputes, get a row of their own), and the tie-out check opening + Σ lines == closing.
/// </summary>
public sealed class StatementFigures(Statement statement)
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    private static readonly string[] Covered =
    [
        EntryTypes.Topup, EntryTypes.AutoRecharge, EntryTypes.PlatformFee, EntryTypes.Reservation, EntryTypes.Settlement,
        EntryTypes.Release, EntryTypes.UsageDebit, EntryTypes.Refund, EntryTypes.AdminCorrection, EntryTypes.Bonus,
        EntryTypes.ContractGrant, EntryTypes.BonusGrant,
    ];

    public Statement Statement { get; } = statement;

    public Money NetChange { get; } = statement.Lines.Aggregate(Money.Zero, (sum, line) => sum + line.Amount);

    /// <summary>Opening + Σ lines == closing: the ledger's movements in the month explain the change of balance.</summary>
    public bool TiesOut => Statement.OpeningBalance + NetChange == Statement.ClosingBalance;

    /// <summary>The movements between the opening and closing balance, each signed by its effect on the balance:
    /// purchases and grants add, fees and usage subtract.</summary>
    public IReadOnlyList<Movement> Movements
    {
        get
        {
            var s = Statement;
            List<Movement> rows =
            [
                new("purchased", "Purchased", "Top-ups and auto-recharges", s.Purchased),
                new("fees", "Fees", "Platform fees on purchases", -s.Fees),
                new("credits-used", "Credits used", "API usage; calls still running count at their hold", -s.CreditsUsed),
                new("refunds", "Refunds", "Credits returned to you", s.Refunds),
                new("corrections", "Corrections", "Adjustments by our billing team", s.Corrections),
                new("grants", "Grants", "Bonuses and contract grants", s.Grants),
            ];
            foreach (var line in s.Lines.Where(l => !Covered.Contains(l.Type)))
                rows.Add(new Movement(line.Type, EntryTypes.TryGet(line.Type, out var rule) ? rule.Label : line.Type, null, line.Amount));
            return rows;
        }
    }

    public static string MonthName(BillingMonth month) => month.Start.ToString("MMMM yyyy", Us);

    /// <summary>"1 – 31 March 2026".</summary>
    public static string Period(BillingMonth month) =>
        $"{month.Start.Day} – {month.End.AddDays(-1).Day} {MonthName(month)}";

    public static string Count(long value) => value.ToString("N0", Us);

    /// <summary>One row of the summary: a movement of the balance and where it comes from.</summary>
    public sealed record Movement(string Id, string Label, string? Hint, Money Amount);
}
