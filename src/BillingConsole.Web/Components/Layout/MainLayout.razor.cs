using MudBlazor;

namespace BillingConsole.Web.Components.Layout;

public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _darkMode;
    private bool _darkModeChosen;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Start in the operating system's colour scheme; the toggle overrides it for this session.
        if (!firstRender || _themeProvider is null)
            return;
        var systemDark = await _themeProvider.GetSystemDarkModeAsync();
        if (systemDark && !_darkModeChosen)
        {
            _darkMode = true;
            StateHasChanged();
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private void ToggleDarkMode()
    {
        _darkModeChosen = true;
        _darkMode = !_darkMode;
    }
}
