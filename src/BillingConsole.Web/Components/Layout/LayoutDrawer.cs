namespace BillingConsole.Web.Components.Layout;

/// <summary>
/// The navigation drawer's state as MudDrawer kept it (variant Responsive, breakpoint Md, clip mode Always, anchored
/// left, elevation 0) and the classes MudDrawer, its overlay and MudLayout rendered for it. The layout renders that
/// markup itself: the three components, their cascading values and the browser viewport subscription were kept in every
/// circuit (docs/performance.md, scenario 6). Below Md (960 px) the drawer starts closed and opens over the page.
/// </summary>
public sealed class LayoutDrawer
{
    /// <summary>Whether the browser is at least Md wide; unknown until the circuit has asked it.</summary>
    private bool? _wide;

    public bool Open { get; private set; } = true;

    /// <summary>
    /// Until the drawer first opens or closes in front of the user. MudBlazor's CSS hides an open drawer with this class
    /// below Md (no flash of the drawer on a narrow prerendered page) and animates only drawers without it.
    /// </summary>
    public bool Initial { get; private set; } = true;

    /// <summary>Below Md an open drawer lies over the page, behind it a dark overlay that closes it.</summary>
    public bool OverlayShown => Open && _wide == false;

    public string LayoutClass => Open
        ? "mud-layout mud-drawer-open-responsive-md-left mud-drawer-left-clipped-always"
        : "mud-layout mud-drawer-close-responsive-md-left mud-drawer-left-clipped-always";

    public string DrawerClass => (Open, Initial) switch
    {
        (true, true) => "mud-drawer mud-drawer-fixed mud-drawer-pos-left mud-drawer--open mud-drawer--initial mud-drawer-md mud-drawer-clipped-always mud-elevation-0 mud-drawer-responsive",
        (true, false) => "mud-drawer mud-drawer-fixed mud-drawer-pos-left mud-drawer--open mud-drawer-md mud-drawer-clipped-always mud-elevation-0 mud-drawer-responsive",
        (false, true) => "mud-drawer mud-drawer-fixed mud-drawer-pos-left mud-drawer--closed mud-drawer--initial mud-drawer-md mud-drawer-clipped-always mud-elevation-0 mud-drawer-responsive",
        (false, false) => "mud-drawer mud-drawer-fixed mud-drawer-pos-left mud-drawer--closed mud-drawer-md mud-drawer-clipped-always mud-elevation-0 mud-drawer-responsive",
    };

    public const string OverlayClass = "mud-overlay mud-drawer-overlay mud-overlay-drawer mud-drawer-pos-left mud-drawer-overlay--open " +
        "mud-drawer-overlay-responsive mud-drawer-overlay-md mud-skip-overlay-positioning mud-skip-overlay-section";

    /// <summary>The menu button.</summary>
    public void Toggle() => SetOpen(!Open);

    /// <summary>The overlay (clicked, or Escape): closes the drawer.</summary>
    public void Close() => SetOpen(false);

    /// <summary>A link followed in the drawer closes it when it lies over the page; true when that changed it.</summary>
    public bool CloseOverPage()
    {
        if (!OverlayShown)
            return false;
        SetOpen(false);
        return true;
    }

    /// <summary>
    /// The browser's width, first when the circuit asks, then at each crossing of Md. As MudDrawer: a narrow browser
    /// closes the drawer at first (still "initial", so it stays hidden without animation); crossing below Md closes it,
    /// crossing above opens it.
    /// </summary>
    public void ViewportIs(bool wide)
    {
        var first = _wide is null;
        if (_wide == wide)
            return;
        _wide = wide;
        if (first)
            Open = Open && wide;
        else
            SetOpen(wide);
    }

    private void SetOpen(bool open)
    {
        if (open == Open)
            return;
        Open = open;
        Initial = false;
    }
}
