namespace BillingConsole.Web.Components.Layout;

public partial class MainLayout
{
    private bool _drawerOpen = true;
    private bool _darkMode;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private void ToggleDarkMode() => _darkMode = !_darkMode;
}
