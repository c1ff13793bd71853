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

    /// <summary>Credits green, spending orange, money taken back red, holds grey/blue, corrections neutral.</summary>
    public static Color TypeColor(string type) => type switch
    {
        EntryTypes.Topup or EntryTypes.AutoRecharge or EntryTypes.Bonus or EntryTypes.ContractGrant
            or EntryTypes.BonusGrant or EntryTypes.Refund => Color.Success,
        EntryTypes.UsageDebit or EntryTypes.StorageBilling or EntryTypes.PlatformFee => Color.Warning,
        EntryTypes.PaymentRefund or EntryTypes.Dispute => Color.Error,
        EntryTypes.Settlement or EntryTypes.Release => Color.Info,
        EntryTypes.Reservation => Color.Default,
        EntryTypes.AdminCorrection => Color.Primary,
        _ => Color.Default,
    };

    public static string SourceLabel(string source) => source switch
    {
        EntrySources.Console => "Console",
        EntrySources.MeteringApi => "Metering API",
        EntrySources.StripeWebhook => "Stripe",
        EntrySources.Admin => "Billing admin",
        EntrySources.System => "System",
        _ => source,
    };

    /// <summary>CSS class for a signed amount: green for credits, red for debits, plain for zero.</summary>
    public static string AmountClass(Money amount) =>
        amount.Units > 0 ? "bc-amount-positive" : amount.Units < 0 ? "bc-amount-negative" : "";
}
