using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace BillingConsole.Web.Components.Markup;

/// <summary>
/// A small, non-interactive <c>MudChip</c>'s markup as a render fragment: rows of chips cost no component each (a
/// component's render tree buffers stay in the circuit while the page is open, docs/performance.md scenario 6).
/// </summary>
public static class Chip
{
    /// <param name="variant">filled (MudChip's default), text or outlined.</param>
    /// <param name="data">One more <c>data-</c> attribute, e.g. the entry type a test or a style selects on.</param>
    public static RenderFragment Of(string label, Color color, string variant = "filled", string? testId = null,
        (string Name, string Value)? data = null) => builder => Render(builder, label, color, variant, testId, data);

    private static void Render(RenderTreeBuilder builder, string label, Color color, string variant, string? testId, (string Name, string Value)? data)
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", $"mud-chip mud-chip-{variant} mud-chip-size-small mud-chip-color-{ColourName(color)}");
        if (testId is not null)
            builder.AddAttribute(2, "data-testid", testId);
        if (data is { } extra)
            builder.AddAttribute(3, extra.Name, extra.Value);
        builder.OpenElement(4, "span");
        builder.AddAttribute(5, "class", "mud-chip-content");
        builder.AddContent(6, label);
        builder.CloseElement();
        builder.CloseElement();
    }

    private static string ColourName(Color color) => color switch
    {
        Color.Primary => "primary", Color.Secondary => "secondary", Color.Tertiary => "tertiary", Color.Info => "info",
        Color.Success => "success", Color.Warning => "warning", Color.Error => "error", Color.Dark => "dark", _ => "default",
    };
}
