using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace BillingConsole.Web.Components.Layout;

/// <summary>
/// <c>MudThemeProvider</c> with its theme stylesheet built once per process instead of once per circuit: the CSS
/// (about 12,700 characters, 25 KB) depends only on the theme and the dark mode, yet every circuit rendered its own
/// copy and kept it in its render tree (docs/performance.md, scenario 6). App.razor renders it with the page (statically,
/// outside the circuit), once per palette; the layout follows the system's colour scheme itself.
/// </summary>
public sealed class ConsoleThemeProvider : MudThemeProvider
{
    // Keyed by the theme instance: the console's themes are static objects, so this holds three entries.
    private static readonly ConcurrentDictionary<(MudTheme Theme, bool Dark, string? Media), MarkupString> Stylesheets = new();
    private const string ThemeStyleOpen = "<style class='mud-theme-provider'>";
    private static readonly MarkupString Scrollbar = new(BuildMudBlazorScrollbar());

    private const string ChartStyles = "<style>\n    .mud-chart-serie:hover {\n        filter: url(#lighten);\n    }\n\n" +
        "    .mud-chart-serie-hovered \n    {\n        filter: url(#lighten);\n    }\n</style>\n\n";

    /// <summary>Only the theme's variables: the page's first provider already renders the scrollbar and chart styles.</summary>
    [Parameter] public bool PaletteOnly { get; set; }

    /// <summary>A media query the theme's variables apply under (<see cref="ConsoleTheme.SystemDarkMedia"/>).</summary>
    [Parameter] public string? Media { get; set; }

    /// <summary>What MudThemeProvider renders: its scrollbar styles, the charts' hover filter and the theme's variables.</summary>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!PaletteOnly && !DefaultScrollbar)
            builder.AddContent(0, Scrollbar);
        if (!PaletteOnly)
            builder.AddMarkupContent(1, ChartStyles);
        var theme = Theme ?? throw new InvalidOperationException("The console always sets its theme.");
        // The parameter, not MudBlazor's internal state, is read for the key (the provider never changes it here: it does
        // not watch the system's preference when rendered statically).
#pragma warning disable MUD0010
        var dark = IsDarkMode;
#pragma warning restore MUD0010
        builder.AddContent(2, Stylesheets.GetOrAdd((theme, dark, Media), _ => new MarkupString(Within(Media, BuildTheme()))));
    }

    // The theme's one <style> element, its rules wrapped in the media query.
    private static string Within(string? media, string stylesheet)
    {
        if (media is null)
            return stylesheet;
        var open = stylesheet.IndexOf(ThemeStyleOpen, StringComparison.Ordinal);
        var close = open < 0 ? -1 : stylesheet.IndexOf("</style>", open, StringComparison.Ordinal);
        if (close < 0)
            throw new InvalidOperationException("MudThemeProvider's stylesheet changed shape: no theme <style> element to wrap.");
        var rulesAt = open + ThemeStyleOpen.Length;
        return $"{stylesheet[..rulesAt]}\n@media {media} {{{stylesheet[rulesAt..close]}}}\n{stylesheet[close..]}";
    }
}
