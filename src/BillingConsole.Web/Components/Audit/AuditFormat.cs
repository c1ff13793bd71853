using System.Globalization;
using BillingConsole.Accounting.Metering;
using MudBlazor;

namespace BillingConsole.Web.Components.Audit;

/// <summary>How the audit trail shows a call: second-precision UTC times, counts with thousands separators, statuses.</summary>
public static class AuditFormat
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    /// <summary>"2026-03-10 14:05:09". The column header says UTC; stored times are UTC whatever their kind.</summary>
    public static string Time(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>12,345.</summary>
    public static string Count(long value) => value.ToString("N0", Us);

    /// <summary>"1,200 ms", or an em dash when the gateway did not report it.</summary>
    public static string Millis(int? value) => value is { } ms ? ms.ToString("N0", Us) + " ms" : "—";

    public static string StatusLabel(string status) => status switch
    {
        RequestStatus.Success => "Success",
        RequestStatus.Error => "Error",
        RequestStatus.Cancelled => "Cancelled",
        RequestStatus.Expired => "Expired",
        _ => status,
    };

    public static string StatusHint(string status) => status switch
    {
        RequestStatus.Success => "The call completed and was charged for the tokens it used.",
        RequestStatus.Error => "The call failed. A failure before any output is free; one after output is charged for the tokens used.",
        RequestStatus.Cancelled => "The call was cancelled before it ran; its hold was returned in full.",
        RequestStatus.Expired => "The gateway never reported the call's outcome; the hold expired and was returned in full.",
        _ => "",
    };

    public static Color StatusColor(string status) => status switch
    {
        RequestStatus.Success => Color.Success,
        RequestStatus.Error => Color.Error,
        RequestStatus.Expired => Color.Warning,
        _ => Color.Default,
    };
}
