using System.Globalization;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Web.Components.Keys;

/// <summary>Reads a monthly spend limit typed by a person: empty is "no limit"; otherwise an exact dollar amount
/// (<see cref="Money.TryParse"/>: "250", "$1,000.50", at most nine decimals), more than zero and at most $1 billion.
/// Each refusal says what to type instead.</summary>
public static class SpendLimitInput
{
    public static bool TryParse(string? text, out Money? limit, out string? error)
    {
        limit = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        var trimmed = text.Trim();
        if (Money.TryParse(trimmed, out var money))
        {
            if (money.Units <= 0)
            {
                error = "The limit must be more than $0. To have no limit, leave the field empty.";
                return false;
            }
            limit = money;
            return true;
        }
        var digits = trimmed.TrimStart('-').TrimStart('$');
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value))
            error = "Enter an amount in US dollars, like 250 or 1,000.50.";
        else if (trimmed.StartsWith('-'))
            error = "The limit must be more than $0. To have no limit, leave the field empty.";
        else if (value > Money.Max.ToDecimal())
            error = "The largest limit is $1,000,000,000.";
        else
            error = "Use at most 9 decimal places (the smallest amount is $0.000000001).";
        return false;
    }

    /// <summary>The limit as the field shows it for editing: "1,000.50", or empty for no limit.</summary>
    public static string Text(Money? limit) => limit is { } l ? l.Format().TrimStart('$') : "";
}
