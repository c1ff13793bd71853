using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;

namespace BillingConsole.Web.Components.Layout;

public sealed partial class AccountBar : IDisposable
{
    private ClaimsPrincipal? _user;
    private string? _userName;
    private long? _accountId;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private UserDirectory Users { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<AccountBar> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Kept from the prerender so the interactive render does not query (and flicker) again.</summary>
    [PersistentState] public string? AccountName { get; set; }

    /// <summary>The accounts the signed-in user belongs to (the switcher shows when there are several).</summary>
    [PersistentState] public List<AccountMembership>? Accounts { get; set; }

    /// <summary>Switching account comes back to the page the user is on.</summary>
    private string ReturnUrl => ReturnUrls.LocalOr("/" + Navigation.ToBaseRelativePath(Navigation.Uri));

    protected override void OnInitialized() => Navigation.LocationChanged += OnLocationChanged;

    protected override async Task OnParametersSetAsync()
    {
        _user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _userName = _user?.FindFirstValue(BillingClaims.Name) ?? _user?.Identity?.Name;
        _accountId = _user?.GetAccountId();
        try
        {
            if (Accounts is null && _user?.GetUserId() is { } userId)
                Accounts = [.. await Users.ListAccountsAsync(userId)];
            if (AccountName is null && _accountId is { } accountId)
                AccountName = Accounts?.FirstOrDefault(a => a.AccountId == accountId)?.AccountName
                    ?? (await Ledger.GetBalanceAsync(accountId))?.AccountName;
        }
        catch (Exception e)
        {
            // The names are decoration; the page itself reports real failures.
            Logger.LogWarning(e, "Could not load the accounts of the signed-in user for the app bar.");
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => InvokeAsync(StateHasChanged);

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
