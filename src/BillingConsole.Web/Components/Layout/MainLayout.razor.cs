using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Layout;

public partial class MainLayout
{
    /// <summary>MudIconButton's classes (colour inherit, ripple) for the app bar's plain buttons and link.</summary>
    private const string IconButtonClass = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    private ConsoleThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private bool _darkMode;
    private bool _darkModeChosen;
    private bool _signedIn;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    // What two AuthorizeView components decided: the navigation shows to a signed-in user. A revalidated state comes
    // in as a new cascading value, so this follows sign-outs as they did.
    protected override async Task OnParametersSetAsync() =>
        _signedIn = AuthenticationState is not null && (await AuthenticationState).User.Identity?.IsAuthenticated == true;

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
