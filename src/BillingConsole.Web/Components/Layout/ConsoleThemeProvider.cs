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
    // Keyed by the theme instance: the console's theme is one static object, so this holds two entries.
    private static readonly ConcurrentDictionary<(MudTheme Theme, bool Dark), MarkupString> Stylesheets = new();
    private static readonly MarkupString Scrollbar = new(BuildMudBlazorScrollbar());

    private const string ChartStyles = "<style>\n    .mud-chart-serie:hover {\n        filter: url(#lighten);\n    }\n\n" +
        "    .mud-chart-serie-hovered \n    {\n        filter: url(#lighten);\n    }\n</style>\n\n";

    /// <summary>What MudThemeProvider renders: its scrollbar styles, the charts' hover filter and the theme's variables.</summary>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!DefaultScrollbar)
            builder.AddContent(0, Scrollbar);
        builder.AddMarkupContent(1, ChartStyles);
        var theme = Theme ?? throw new InvalidOperationException("The console always sets its theme.");
        // The parameter, not MudBlazor's internal state, is read for the key (the provider never changes it here: it does
        // not watch the system's preference when rendered statically).
#pragma warning disable MUD0010
        var dark = IsDarkMode;
#pragma warning restore MUD0010
        builder.AddContent(2, Stylesheets.GetOrAdd((theme, dark), _ => new MarkupString(BuildTheme())));
    }
}
