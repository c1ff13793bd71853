using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>A ledger entry type as a small coloured chip with its human label ("usage_debit" shows as "Usage").</summary>
public partial class EntryTypeChip
{
    /// <summary>The entry type's API name, e.g. <c>topup</c>.</summary>
    [Parameter, EditorRequired] public string Type { get; set; } = "";
}
