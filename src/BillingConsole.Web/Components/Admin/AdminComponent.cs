using BillingConsole.Accounting.Admin;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BillingConsole.Web.Components.Admin;

/// <summary>What every admin component needs: the acting admin (recorded on each action), dialogs and notices.</summary>
public abstract class AdminComponent : ComponentBase
{
    protected static readonly DialogOptions DialogOptions = new()
    {
        MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = true,
    };

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] protected IDialogService Dialogs { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The signed-in admin, or null (with a notice) when the session has no user.</summary>
    protected async Task<AdminActor?> AdminActorAsync()
    {
        var actor = AuthenticationState is null ? null : (await AuthenticationState).User.GetAdminActor();
        if (actor is null)
            Snackbar.Add("Your session has no user; sign in again.", Severity.Error);
        return actor;
    }

    /// <summary>Asks for a reason (and an amount when the parameters say so); null when the admin cancelled.</summary>
    protected async Task<ReasonDialog.Answer?> AskAsync(DialogParameters<ReasonDialog> parameters)
    {
        var dialog = await Dialogs.ShowAsync<ReasonDialog>(null, parameters, DialogOptions);
        return await dialog.Result is { Canceled: false, Data: ReasonDialog.Answer answer } ? answer : null;
    }
}
