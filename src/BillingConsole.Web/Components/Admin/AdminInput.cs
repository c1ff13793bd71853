using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Web.Components.Admin;

/// <summary>Reads the amounts admins type: exact dollars (<see cref="Money.TryParse"/>), the typographic minus accepted.</summary>
public static class AdminInput
{
    public static bool TryMoney(string? text, out Money money) =>
        Money.TryParse(text?.Replace('−', '-').Trim(), out money);

    public static string? FloorError(string? text) =>
        !TryMoney(text, out var floor) ? "Enter a dollar amount like 0 or -500."
        : floor.Units > 0 ? "The floor is 0 (prepaid only) or negative: -500 lets the balance go down to −$500."
        : null;

    public static string? LimitError(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : !TryMoney(text, out var limit) || limit.Units <= 0 ? "Enter a limit above $0, like 250, or leave it empty for no limit."
        : null;

    public static string Editable(Money money) => money.ToDecimal().ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture);
}
