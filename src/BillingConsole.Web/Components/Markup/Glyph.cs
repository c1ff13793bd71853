using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Markup;

/// <summary>
/// A decorative MudBlazor icon as plain SVG markup (what <c>MudIcon</c> renders, without a component per icon: each
/// component instance keeps render tree buffers in the circuit for as long as the page is open).
/// </summary>
public static class Glyph
{
    /// <param name="icon">An SVG body from <c>MudBlazor.Icons</c> (trusted constants, never user input).</param>
    /// <param name="size">small, medium or large.</param>
    public static MarkupString Svg(string icon, string size = "small", string? cssClass = null) =>
        new($"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-{size}{(cssClass is null ? "" : " " + cssClass)}\" focusable=\"false\" " +
            $"viewBox=\"0 0 24 24\" role=\"img\" aria-hidden=\"true\">{icon}</svg>");
}
