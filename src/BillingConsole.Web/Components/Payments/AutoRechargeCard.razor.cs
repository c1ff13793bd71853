using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Payments;

/// <summary>
/// Auto-recharge on the billing page and in the admin account view: the rule, this month's recharged total against the
/// cap, the saved card (saved, replaced and removed through Stripe Checkout) and the last attempt with its outcome.
/// Owners (and billing admins) change it; everyone else reads it. Every write re-checks the role (<see cref="AccountGate"/>).
/// </summary>
public partial class AutoRechargeCard
{
    private readonly string _headingId = $"bc-auto-recharge-{Guid.NewGuid():N}";
    // Created with the component, not on click: a double click opens one Checkout session.
    private readonly Guid _cardSetupRequest = Guid.NewGuid();
    private AutoRechargeStatus? _status;
    private bool _failed;
    private bool _editing;
    private bool _busy;
    private bool _canChange;
    private bool _confirmRemove;
    private string? _message;
    private bool _messageIsError;

    [Inject] private AutoRechargeControls Controls { get; set; } = default!;
    [Inject] private AccountGate Gate { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILogger<AutoRechargeCard> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>In the admin console: a card is entered by its holder on Stripe's page, so staff see no "Save a card".</summary>
    [CascadingParameter(Name = "StaffView")] private bool StaffView { get; set; }

    /// <summary>The account whose auto-recharge is shown.</summary>
    [Parameter, EditorRequired] public long AccountId { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _canChange = user is not null && AccountPermissions.Allows(user, AccountId, CustomerAction.ManagePaymentSettings);
        if (new Uri(Navigation.Uri).Query.Contains("card=saved", StringComparison.Ordinal))
            _message = "Thanks: your card is saved as soon as Stripe confirms it (usually a few seconds; reload to see it).";
        await LoadAsync();
    }

    /// <summary>Reads the settings again (the page calls it after a purchase or a recharge).</summary>
    public async Task LoadAsync()
    {
        try
        {
            _status = await Controls.GetAsync(AccountId);
            _failed = _status is null;
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading auto-recharge of account {AccountId} failed", AccountId);
            _failed = true;
        }
    }

    private void StartEditing()
    {
        _message = null;
        _editing = true;
    }

    private async Task OnSavedAsync(string message)
    {
        _editing = false;
        Show(message, error: false);
        await LoadAsync();
    }

    private async Task SaveCardAsync()
    {
        await RunAsync(async () =>
        {
            var outcome = await Controls.StartCardSetupAsync(_cardSetupRequest, AccountId, Navigation.BaseUri);
            if (outcome.Kind == PurchaseOutcomeKind.Redirect)
                Navigation.NavigateTo(outcome.RedirectUrl!, forceLoad: true);
            else
                Show(outcome.Message, error: true);
        });
    }

    private async Task RemoveCardAsync()
    {
        if (!_confirmRemove)
        {
            _confirmRemove = true;
            return;
        }
        _confirmRemove = false;
        await RunAsync(async () =>
        {
            var result = await Controls.RemoveCardAsync(AccountId);
            Show(result.Message, error: !result.Succeeded);
            await LoadAsync();
        });
    }

    private async Task RunAsync(Func<Task> action)
    {
        if (_busy)
            return;
        _busy = true;
        try
        {
            if (await Gate.RefusalAsync(AccountId, CustomerAction.ManagePaymentSettings) is { } refused)
                Show(refused, error: true);
            else
                await action();
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Changing the card of account {AccountId} failed", AccountId);
            Show("We couldn't change your card just now. Please try again.", error: true);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    /// <summary>The progress bar's percentage, computed exactly; only the bar's value is a double.</summary>
    private static double CapPercent(AutoRechargeStatus s) =>
        s.Settings.MonthlyCap is { Units: > 0 } cap ? (double)Math.Min(100m, 100m * s.RechargedThisMonth.Units / cap.Units) : 0;

    private static string OutcomeLabel(string outcome) => outcome switch
    {
        AutoRechargeOutcomes.Succeeded => "credited",
        AutoRechargeOutcomes.Failed => "failed",
        _ => "in progress",
    };
}
