using System.Globalization;
using BillingConsole.Accounting.Ledger;
using MudBlazor;

namespace BillingConsole.Web.Components.Billing;

/// <summary>How the billing pages show ledger facts: UTC times, entry type colours and source names.</summary>
public static class BillingFormat
{
    /// <summary>"2026-11-23 14:05 UTC". Ledger times are stored in UTC; a value read back without a kind is UTC too.</summary>
    public static string Utc(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
    }

    public static string TypeLabel(string type) => EntryTypes.TryGet(type, out var rule) ? rule.Label : type;

    /// <summary>By category (<see cref="EntryCategories"/>): credits green, charges orange, money taken back red,
    /// corrections neutral; holds grey (a reservation) or blue (its settlement or release).</summary>
    public static Color TypeColor(string type)
    {
        if (!EntryTypes.TryGet(type, out var rule))
            return Color.Default;
        if (rule.IsHold)
            return rule.Sign == AmountSign.Negative ? Color.Default : Color.Info;
        return EntryCategories.Get(rule.Category).Kind switch
        {
            CategoryKind.Credit => Color.Success,
            CategoryKind.Charge => Color.Warning,
            CategoryKind.Clawback => Color.Error,
            CategoryKind.Adjustment => Color.Primary,
            _ => Color.Default,
        };
    }

    public static string SourceLabel(string source) => source switch
    {
        EntrySources.Console => "Console",
        EntrySources.MeteringApi => "Metering API",
        EntrySources.PaymentWebhook => "Stripe",
        EntrySources.Admin => "Billing admin",
        EntrySources.System => "System",
        _ => source,
    };

    private static readonly CultureInfo UsCulture = CultureInfo.GetCultureInfo("en-US");

    /// <summary>Nano-dollars in a cent.</summary>
    private const long UnitsPerCent = Money.UnitsPerDollar / 100;

    /// <summary>An amount for people: to the cent, rounded half away from zero, with thousands separators ($113.58,
    /// -$0.50). Exact decimal arithmetic; <see cref="Money.Format"/> gives the exact ledger value.</summary>
    public static string Cents(Money amount)
    {
        var rounded = Math.Round(amount.ToDecimal(), 2, MidpointRounding.AwayFromZero);
        var text = Math.Abs(rounded).ToString("#,##0.00", UsCulture);
        return (rounded < 0 ? "-$" : "$") + text;
    }

    /// <summary>Like <see cref="Cents"/> with a plus sign for amounts that round above zero.</summary>
    public static string CentsSigned(Money amount)
    {
        var text = Cents(amount);
        return text.StartsWith('-') || text == "$0.00" ? text : "+" + text;
    }

    /// <summary>True when the amount is a whole number of cents, so <see cref="Cents"/> shows it exactly.</summary>
    public static bool IsWholeCents(Money amount) => amount.Units % UnitsPerCent == 0;

    /// <summary>A count with thousands separators: 1,234,567.</summary>
    public static string Count(long value) => value.ToString("#,##0", UsCulture);

    /// <summary>A percentage with one decimal: 41.7%.</summary>
    public static string Percent(decimal value) => value.ToString("0.0", UsCulture) + "%";

    /// <summary>A UTC date as 2026-03-10.</summary>
    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Where an entry's reference leads in the console: the audit trail of the reservation for hold entries
    /// (their <c>ref_id</c> is the reservation id); null for references outside the console (Stripe objects, batches).</summary>
    public static string? ReferenceLink(string type, string? refId) =>
        EntryTypes.IsHoldType(type) && long.TryParse(refId, NumberStyles.None, CultureInfo.InvariantCulture, out var reservation) && reservation > 0
            ? $"/audit?reservation={reservation.ToString(CultureInfo.InvariantCulture)}"
            : null;

    /// <summary>CSS class for a signed amount: green for credits, red for debits, plain for zero.</summary>
    public static string AmountClass(Money amount) =>
        amount.Units > 0 ? "bc-amount-positive" : amount.Units < 0 ? "bc-amount-negative" : "";
}
