using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace BillingConsole.Web.Components.Billing;

/// <summary>A ledger entry type as a small coloured chip with its human label ("usage_debit" shows as "Usage"): the
/// markup of a small text <c>MudChip</c>, as a render fragment because a table shows one per row and a component per
/// row would keep its own render tree buffers in the circuit (docs/performance.md, scenario 6).</summary>
public static class EntryTypeChip
{
    /// <param name="type">The entry type's API name, e.g. <c>topup</c>.</param>
    public static RenderFragment Of(string type) => builder => Render(builder, type);

    private static void Render(RenderTreeBuilder builder, string type)
    {
        var colour = BillingFormat.TypeColor(type) switch
        {
            Color.Primary => "primary", Color.Secondary => "secondary", Color.Info => "info", Color.Success => "success",
            Color.Warning => "warning", Color.Error => "error", _ => "default",
        };
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", $"mud-chip mud-chip-text mud-chip-size-small mud-chip-color-{colour}");
        builder.AddAttribute(2, "data-testid", "tx-type");
        builder.AddAttribute(3, "data-entry-type", type);
        builder.OpenElement(4, "span");
        builder.AddAttribute(5, "class", "mud-chip-content");
        builder.AddContent(6, BillingFormat.TypeLabel(type));
        builder.CloseElement();
        builder.CloseElement();
    }
}
