using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor.Interfaces;

namespace BillingConsole.Web.Components.Layout;

public sealed partial class NavMenu : IDisposable
{
    private string _path = "";
    private bool _mayReadAudit;
    private bool _isBillingAdmin;

    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The layout's drawer: over the page (a narrow screen) it closes when a link is followed, as MudNavLink does.</summary>
    [Parameter] public INavigationEventReceiver? Drawer { get; set; }

    protected override void OnInitialized()
    {
        _path = PathOf(Navigation.Uri);
        Navigation.LocationChanged += OnLocationChanged;
    }

    // What AuthorizeView with these policies decided, re-evaluated when a revalidated state cascades in.
    protected override async Task OnParametersSetAsync()
    {
        if (AuthenticationState is null)
            return;
        var user = (await AuthenticationState).User;
        _mayReadAudit = (await Authorization.AuthorizeAsync(user, BillingClaims.AccountDeveloperPolicy)).Succeeded;
        _isBillingAdmin = (await Authorization.AuthorizeAsync(user, BillingClaims.BillingAdminPolicy)).Succeeded;
    }

    /// <summary>NavLinkMatch.Prefix: the link's path or a path below it, whatever the query (<c>/billing?tab=usage</c>).</summary>
    private bool IsActive(string href) =>
        _path.Equals(href, StringComparison.OrdinalIgnoreCase) || _path.StartsWith(href + "/", StringComparison.OrdinalIgnoreCase);

    private string PathOf(string uri)
    {
        var relative = Navigation.ToBaseRelativePath(uri);
        var end = relative.IndexOfAny(['?', '#']);
        return "/" + (end < 0 ? relative : relative[..end]);
    }

    private Task OnNavigateAsync() => Drawer?.OnNavigation() ?? Task.CompletedTask;

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        var path = PathOf(e.Location);
        if (path == _path)
            return;
        _path = path;
        InvokeAsync(StateHasChanged);
    }

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
