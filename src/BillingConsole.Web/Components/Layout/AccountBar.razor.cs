using System.Security.Claims;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Layout;

public partial class AccountBar
{
    private ClaimsPrincipal? _user;
    private string? _userName;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private ILogger<AccountBar> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Kept from the prerender so the interactive render does not query (and flicker) again.</summary>
    [PersistentState] public string? AccountName { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _userName = _user?.FindFirstValue(BillingClaims.Name) ?? _user?.Identity?.Name;
        if (AccountName is not null || _user?.GetAccountId() is not { } accountId)
            return;
        try
        {
            AccountName = (await Ledger.GetBalanceAsync(accountId))?.AccountName;
        }
        catch (Exception e)
        {
            // The name is decoration; the page itself reports real failures.
            Logger.LogWarning(e, "Could not load the name of account {AccountId} for the app bar.", accountId);
        }
    }
}
