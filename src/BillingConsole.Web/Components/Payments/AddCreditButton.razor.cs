using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BillingConsole.Web.Components.Payments;

/// <summary>Opens the <see cref="AddCreditDialog"/> for an account. Drop it next to the balance.</summary>
public partial class AddCreditButton
{
    private bool _canBuy;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    /// <summary>Only a role that may buy (<see cref="AccountPermissions"/>) gets an enabled button; the dialog re-checks.</summary>
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The account the credits are bought for.</summary>
    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Raised after a development-mode purchase credited the account (production redirects to Checkout instead).</summary>
    [Parameter] public EventCallback<PurchaseOutcome> OnCredited { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _canBuy = user is not null && AccountPermissions.Allows(user, AccountId, CustomerAction.BuyCredits);
    }

    private async Task OpenAsync()
    {
        var dialog = await Dialogs.ShowAsync<AddCreditDialog>("Add credit",
            new DialogParameters<AddCreditDialog> { { d => d.AccountId, AccountId } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: PurchaseOutcome { Kind: PurchaseOutcomeKind.Credited } outcome })
            await OnCredited.InvokeAsync(outcome);
    }
}
