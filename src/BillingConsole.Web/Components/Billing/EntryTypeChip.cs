using BillingConsole.Web.Components.Markup;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>A ledger entry type as a small coloured chip with its human label ("usage_debit" shows as "Usage"); a
/// render fragment (<see cref="Chip"/>) because a table shows one per row.</summary>
public static class EntryTypeChip
{
    /// <param name="type">The entry type's API name, e.g. <c>topup</c>.</param>
    public static RenderFragment Of(string type) =>
        Chip.Of(BillingFormat.TypeLabel(type), BillingFormat.TypeColor(type), variant: "text", testId: "tx-type", data: ("data-entry-type", type));
}
