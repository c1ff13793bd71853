using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The low-balance alert level, shown and changed in place. Saving writes <see cref="AccountSettings"/> only:
/// an alert level moves no money, so it is no ledger entry.</summary>
public partial class LowBalanceSetting
{
    private readonly string _headingId = $"bc-low-balance-{Guid.NewGuid():N}";
    private bool _editing;
    private bool _saving;
    private string? _input;
    private string? _error;
    private string? _status;
    private bool _canChange;

    [Inject] private AccountSettings Settings { get; set; } = default!;
    [Inject] private BillingConsole.Web.Auth.AccountGate Gate { get; set; } = default!;
    [Inject] private ILogger<LowBalanceSetting> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Only a role that may change billing settings gets an enabled button; saving re-checks.</summary>
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _canChange = user is not null && AccountPermissions.Allows(user, AccountId, CustomerAction.ManagePaymentSettings);
    }

    /// <summary>The current alert level; null when the alert is off.</summary>
    [Parameter] public Money? Threshold { get; set; }

    [Parameter] public EventCallback<Money?> ThresholdChanged { get; set; }

    private string HeadingId => _headingId;

    /// <summary>Phones show a keypad with a decimal point.</summary>
    private static MudBlazor.InputMode DecimalInput => MudBlazor.InputMode.@decimal;

    private void StartEditing()
    {
        _input = Threshold is { } t ? t.ToDecimal().ToString("0.00#######", System.Globalization.CultureInfo.InvariantCulture) : null;
        _error = null;
        _status = null;
        _editing = true;
    }

    private void Cancel()
    {
        _editing = false;
        _error = null;
    }

    /// <summary>Why <paramref name="text"/> is not an alert level, or null when it is one.</summary>
    public static string? Validate(string? text, out Money threshold)
    {
        threshold = Money.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return "Enter an amount, for example 50 or 12.50.";
        if (!Money.TryParse(text, out threshold))
        {
            // Tell a too-large or too-precise amount apart from one that isn't a number at all.
            var digits = text.Trim().TrimStart('$');
            if (decimal.TryParse(digits, System.Globalization.NumberStyles.AllowDecimalPoint | System.Globalization.NumberStyles.AllowThousands,
                    System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value > Money.Max.ToDecimal()
                    ? $"The alert level can be at most {Money.Max.Format()}."
                    : "Use at most 9 decimals, for example 12.50.";
            }
            return "That isn't an amount in dollars. Use digits and a decimal point, for example 12.50.";
        }
        if (threshold.Units <= 0)
            return "Enter an amount above $0. To stop the warnings, choose Turn off.";
        if (threshold > Money.Max)
            return $"The alert level can be at most {Money.Max.Format()}.";
        return null;
    }

    private async Task SaveAsync()
    {
        if (_saving)
            return;
        _error = Validate(_input, out var threshold);
        if (_error is not null)
            return;
        await StoreAsync(threshold, $"Saved. You'll be warned while your balance is below {BillingFormat.Cents(threshold)}.");
    }

    private Task TurnOffAsync() => StoreAsync(null, "The low-balance alert is off.");

    private async Task StoreAsync(Money? threshold, string done)
    {
        _saving = true;
        try
        {
            if (await Gate.RefusalAsync(AccountId, BillingConsole.Web.Auth.CustomerAction.ManagePaymentSettings) is { } refused)
            {
                _error = refused;
                return;
            }
            if (!await Settings.SetLowBalanceThresholdAsync(AccountId, threshold))
            {
                _error = "We couldn't save your alert level. Please try again.";
                return;
            }
            _editing = false;
            _error = null;
            _status = done;
            await ThresholdChanged.InvokeAsync(threshold);
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Saving the low-balance threshold of account {AccountId} failed.", AccountId);
            _error = "We couldn't save your alert level just now. Please try again.";
        }
        finally
        {
            _saving = false;
        }
    }
}
