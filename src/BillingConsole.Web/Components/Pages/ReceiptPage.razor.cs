using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Components.Pages;

/// <summary>The receipt of the payment that wrote entry <see cref="EntryId"/>, for the account in the session only: an
/// entry of another account reads as no receipt, like a missing one.</summary>
public partial class ReceiptPage
{
    private Receipt? _receipt;
    private bool _loaded;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] private Receipts Receipts { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter] public long EntryId { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _receipt = user?.GetAccountId() is { } accountId ? await Receipts.FindAsync(accountId, EntryId) : null;
        _loaded = true;
    }

    private static string Title(string kind) => kind switch
    {
        ReceiptKinds.Purchase => "Credit purchase",
        ReceiptKinds.AutoRecharge => "Auto-recharge",
        ReceiptKinds.Refund => "Refund",
        _ => "Dispute",
    };

    private async Task PrintAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("print");
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // Nothing to report: the browser's own print command (Ctrl+P) prints the same page.
        }
    }
}
