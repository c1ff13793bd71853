using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The monthly statements of the account in the user's claims; <c>?month=YYYY-MM</c> opens that month.</summary>
public partial class InvoicesPage
{
    private long? _accountId;
    private bool _resolved;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "month")] public string? Month { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _resolved = true;
    }
}
