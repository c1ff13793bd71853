using System.Security.Claims;
using BillingConsole.Accounting.Ledger;
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
    private const string CustomOption = "__custom";
    private string? _customText;
    private string? _customError;
    private PackageQuote? _customQuote;
    // One request per custom amount, made when the amount is typed (not on click), so a double click buys once.
    private readonly Dictionary<Money, PurchaseRequest> _customRequests = [];

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

    private static InputMode DecimalInput => InputMode.@decimal;

    private void Cancel() => Dialog.Cancel();

    private void OnCustomChanged(string? text)
    {
        _customText = text;
        _selected = CustomOption;
        _customQuote = null;
        _customError = null;
        if (string.IsNullOrWhiteSpace(text))
            return;
        if (!Money.TryParse(text, out var amount))
        {
            _customError = "Enter an amount in dollars, for example 25 or 12.50.";
            return;
        }
        _customQuote = Payments.QuoteCustom(amount);
        if (_customQuote is null)
        {
            _customError = $"Choose an amount in whole cents from {Payments.CustomMin.Format()} to {Payments.CustomMax.Format()}.";
            return;
        }
        if (!_customRequests.ContainsKey(amount))
            _customRequests[amount] = Payments.NewCustomPurchase(AccountId, amount);
    }

    private PurchaseRequest? SelectedRequest() =>
        _selected == CustomOption
            ? _customQuote is { } q ? _customRequests.GetValueOrDefault(q.Credits) : null
            : _selected is not null ? _requests.GetValueOrDefault(_selected) : null;

    private async Task BuyAsync()
    {
        if (_busy || SelectedRequest() is not { } request)
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
