using MudBlazor;

namespace BillingConsole.Web.Components.Layout;

/// <summary>The console's MudBlazor theme: a calm blue, clear success/error colours for money, and the system font
/// stack (the console is often used where web fonts cannot be fetched).</summary>
public static class ConsoleTheme
{
    private static readonly string[] FontStack =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Noto Sans", "Liberation Sans", "Arial", "sans-serif"];

    /// <summary>The page's theme, light palette, on MudBlazor's <c>:root</c> scope.</summary>
    public static MudTheme Instance { get; } = Create(":root");

    /// <summary>
    /// Marks a page in dark mode: the layout renders an element with this class, and the dark palette applies to a
    /// page holding one. Both stylesheets come with the page (App.razor) instead of from a MudThemeProvider in every
    /// circuit, which kept its own default MudTheme and a dark mode watcher per circuit (docs/performance.md, scenario 6).
    /// </summary>
    public const string DarkModeClass = "bc-dark-mode";

    /// <summary>The same theme for its dark palette, scoped to a page marked <see cref="DarkModeClass"/>.</summary>
    public static MudTheme DarkMode { get; } = Create($":root:has(.{DarkModeClass})");

    /// <summary>
    /// Marks a page whose colour scheme the circuit does not know yet: the prerendered page, and the live one until the
    /// browser has answered. <see cref="SystemDarkMode"/> then follows the system by CSS alone, so a user whose system is
    /// dark never sees the light page first.
    /// </summary>
    public const string SystemModeClass = "bc-system-mode";

    /// <summary>The dark palette for a page marked <see cref="SystemModeClass"/>, rendered within
    /// <see cref="SystemDarkMedia"/>.</summary>
    public static MudTheme SystemDarkMode { get; } = Create($":root:has(.{SystemModeClass})");

    public const string SystemDarkMedia = "(prefers-color-scheme: dark)";

    private static MudTheme Create(string scope)
    {
        var typography = new Typography();
        BaseTypography[] all =
        [
            typography.Default, typography.H1, typography.H2, typography.H3, typography.H4, typography.H5, typography.H6,
            typography.Subtitle1, typography.Subtitle2, typography.Body1, typography.Body2, typography.Button,
            typography.Caption, typography.Overline,
        ];
        foreach (var style in all)
            style.FontFamily = FontStack;
        typography.Button.TextTransform = "none";
        typography.Button.FontWeight = "600";
        typography.H4.FontWeight = "600";
        typography.H5.FontWeight = "600";
        typography.H6.FontWeight = "600";

        return new MudTheme
        {
            PaletteLight = new PaletteLight
            {
                Primary = "#1d4ed8",
                Secondary = "#475569",
                Tertiary = "#0f766e",
                Info = "#2563eb",
                Success = "#15803d",
                Warning = "#c2410c",
                Error = "#b91c1c",
                AppbarBackground = "#0f172a",
                AppbarText = "#f8fafc",
                Background = "#f4f6fa",
                Surface = "#ffffff",
                DrawerBackground = "#ffffff",
                TextPrimary = "#0f172a",
                TextSecondary = "#526077",
                TableLines = "#e5e9f0",
                Divider = "#e5e9f0",
                LinesDefault = "#e5e9f0",
            },
            PaletteDark = new PaletteDark
            {
                Primary = "#7aa2ff",
                Secondary = "#94a3b8",
                Tertiary = "#2dd4bf",
                Info = "#60a5fa",
                Success = "#4ade80",
                Warning = "#fb923c",
                Error = "#f87171",
                AppbarBackground = "#0b1220",
                AppbarText = "#e5e9f0",
                Background = "#0f1623",
                Surface = "#172031",
                DrawerBackground = "#131b2a",
                TextPrimary = "#e5e9f0",
                TextSecondary = "#9aa6ba",
                TableLines = "#263247",
                Divider = "#263247",
                LinesDefault = "#263247",
            },
            Typography = typography,
            LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px", DrawerWidthLeft = "232px" },
            PseudoCss = new PseudoCss { Scope = scope },
        };
    }
}
