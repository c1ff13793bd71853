using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The API keys of the account in the user's claims.</summary>
public partial class KeysPage
{
    private long? _accountId;
    private bool _resolved;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _resolved = true;
    }
}
