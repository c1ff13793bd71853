using System.Security.Claims;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BillingConsole.Web.Components.Payments;

/// <summary>
/// Lists the credit packages (price, credits, fee) and buys one. The purchase requests, with their idempotency ids, are
/// built when the dialog opens, not on click: a double click or a retry after an error buys at most once. Development
/// mode credits instantly and says so; with Stripe the browser goes to Checkout and the webhook credits the account.
/// </summary>
public partial class AddCreditDialog
{
    private Dictionary<string, PurchaseRequest> _requests = [];
    private string? _selected;
    private string? _error;
    private bool _busy;

    [Inject] private PaymentsService Payments { get; set; } = default!;
    [Inject] private BillingConsole.Web.Auth.AccountGate Gate { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<AddCreditDialog> Logger { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The account the credits are bought for.</summary>
    [Parameter, EditorRequired] public long AccountId { get; set; }

    private string BuyLabel => Payments.IsDevelopmentMode ? "Add credits" : "Continue to payment";

    protected override void OnParametersSet()
    {
        if (_requests.Count > 0)
            return;
        _requests = Payments.Packages.ToDictionary(p => p.Id, p => Payments.NewPurchase(AccountId, p.Id));
        _selected = Payments.Packages.Count > 0 ? Payments.Packages[Math.Min(1, Payments.Packages.Count - 1)].Id : null;
    }

    private void Cancel() => Dialog.Cancel();

    private async Task BuyAsync()
    {
        if (_busy || _selected is null || !_requests.TryGetValue(_selected, out var request))
            return;
        _busy = true;
        _error = null;
        try
        {
            if (await Gate.RefusalAsync(AccountId, BillingConsole.Web.Auth.CustomerAction.BuyCredits) is { } refused)
            {
                _error = refused;
                return;
            }
            var outcome = await Payments.BuyAsync(request, Navigation.BaseUri, await ActorAsync());
            switch (outcome.Kind)
            {
                case PurchaseOutcomeKind.Credited:
                    Snackbar.Add(outcome.Message, Severity.Success);
                    Dialog.Close(DialogResult.Ok(outcome));
                    break;
                case PurchaseOutcomeKind.Redirect:
                    Navigation.NavigateTo(outcome.RedirectUrl!, forceLoad: true);
                    break;
                default:
                    _error = outcome.Message;
                    break;
            }
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Buying package {Package} for account {AccountId} failed", _selected, AccountId);
            _error = "We couldn't complete the purchase just now. Nothing was charged twice; please try again.";
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task<string> ActorAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        return user?.FindFirstValue(BillingClaims.UserId) is { } id ? $"user:{id}" : user?.Identity?.Name ?? "console";
    }
}
