using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor.Interfaces;

namespace BillingConsole.Web.Components.Layout;

public partial class MainLayout : INavigationEventReceiver
{
    /// <summary>MudIconButton's classes (colour inherit, ripple) for the app bar's plain buttons and link.</summary>
    private const string IconButtonClass = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    private readonly LayoutDrawer _drawer = new();
    private bool _viewportAsked;
    private bool _darkMode;
    private bool _darkModeKnown;
    private bool _signedIn;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    // What two AuthorizeView components decided: the navigation shows to a signed-in user. A revalidated state comes
    // in as a new cascading value, so this follows sign-outs as they did.
    protected override async Task OnParametersSetAsync() =>
        _signedIn = AuthenticationState is not null && (await AuthenticationState).User.Identity?.IsAuthenticated == true;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Start in the operating system's colour scheme; the toggle overrides it for this session.
        if (firstRender && await AskBrowserAsync("billingConsoleLayout.prefersDark") is { } prefersDark && !_darkModeKnown)
        {
            _darkMode = prefersDark;
            _darkModeKnown = true;
            StateHasChanged();
        }
        // The drawer needs the browser's width once (later changes come as events); asked after the first render that
        // shows it, since the prerendered page could not know it.
        if (_signedIn && !_viewportAsked)
        {
            _viewportAsked = true;
            if (await AskBrowserAsync("billingConsoleLayout.isWide") is { } wide)
            {
                var shown = (_drawer.Open, _drawer.Initial);
                _drawer.ViewportIs(wide);
                if (shown != (_drawer.Open, _drawer.Initial))
                    StateHasChanged();
            }
        }
    }

    /// <summary>A media query's answer from MainLayout.razor.js; null when the script did not answer (the layout then
    /// stays as prerendered: light, drawer open, which is right on a desktop and still usable on a phone).</summary>
    private async Task<bool?> AskBrowserAsync(string function)
    {
        try
        {
            return await JS.InvokeAsync<bool>(function);
        }
        catch (JSException)
        {
            return null;
        }
    }

    private void ToggleDrawer() => _drawer.Toggle();

    private void CloseDrawer() => _drawer.Close();

    private void OnViewportChanged(ChangeEventArgs e) => _drawer.ViewportIs(e.Value is true);

    /// <summary>A link in the drawer was followed (the menu's own links and MudNavLink): close it if it lies over the page.</summary>
    Task INavigationEventReceiver.OnNavigation()
    {
        if (_drawer.CloseOverPage())
            StateHasChanged();
        return Task.CompletedTask;
    }

    // The system switched colour scheme while the page is open: followed, as MudThemeProvider did, even after the toggle.
    private void OnSystemDarkModeChanged(ChangeEventArgs e) => (_darkMode, _darkModeKnown) = (e.Value is true, true);

    private void ToggleDarkMode()
    {
        _darkMode = !_darkMode;
        _darkModeKnown = true;
    }
}
