using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Payments;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Payments;

/// <summary>Edits the auto-recharge rule: on/off, threshold, amount (a package or a custom amount) and monthly cap. Each
/// field says what is wrong in place; the engine checks the same rules (and the saved card) when it stores them.</summary>
public partial class AutoRechargeForm
{
    private bool _enabled;
    private string? _threshold;
    private string? _amount;
    private string? _cap;
    private string? _thresholdError;
    private string? _amountError;
    private string? _capError;
    private string? _error;
    private bool _saving;

    [Inject] private AutoRechargeControls Controls { get; set; } = default!;
    [Inject] private PaymentsService Payments { get; set; } = default!;
    [Inject] private AccountGate Gate { get; set; } = default!;
    [Inject] private ILogger<AutoRechargeForm> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>The settings the form starts from.</summary>
    [Parameter, EditorRequired] public AutoRechargeStatus Status { get; set; } = default!;

    /// <summary>Called with a confirmation once the settings are stored.</summary>
    [Parameter] public EventCallback<string> OnSaved { get; set; }

    [Parameter] public EventCallback OnCancel { get; set; }

    protected override void OnInitialized()
    {
        var a = Status.Settings;
        _enabled = a.Enabled || a.Threshold is null; // setting it up means turning it on
        _threshold = a.Threshold is { } t ? Plain(t) : null;
        _amount = a.Amount is { } amount ? Plain(amount) : null;
        _cap = a.MonthlyCap is { } cap ? Plain(cap) : null;
    }

    private static string Plain(Money m) => m.ToDecimal().ToString("0.00#######", CultureInfo.InvariantCulture);

    private static string? Parse(string? text, bool required, string what, out Money? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
            return required ? $"Enter {what}, for example 25 or 12.50." : null;
        if (!Money.TryParse(text, out var m))
            return "That isn't an amount in dollars. Use digits and a decimal point, for example 12.50.";
        if (m.Units <= 0)
            return "Enter an amount above $0.";
        value = m;
        return null;
    }

    private async Task SaveAsync()
    {
        if (_saving)
            return;
        _error = null;
        _thresholdError = Parse(_threshold, true, "the balance that starts a recharge", out var threshold);
        _amountError = Parse(_amount, true, "the amount to add", out var amount);
        _capError = Parse(_cap, false, "a cap", out var cap);
        if (_amountError is null && amount is { } a && (a < Status.MinAmount || a > Status.MaxAmount || a.Units % Money.FromCents(1).Units != 0))
            _amountError = $"Choose whole cents from {Status.MinAmount.Format()} to {Status.MaxAmount.Format()}.";
        if (_capError is null && cap is { } c && amount is { } a2 && c < a2)
            _capError = "The cap must allow at least one recharge: at least the amount.";
        if (_thresholdError is not null || _amountError is not null || _capError is not null)
            return;
        _saving = true;
        try
        {
            if (await Gate.RefusalAsync(AccountId, CustomerAction.ManagePaymentSettings) is { } refused)
            {
                _error = refused;
                return;
            }
            if (await Controls.SetAsync(AccountId, new AutoRechargeChange(_enabled, threshold!.Value, amount!.Value, cap)) is { } problem)
            {
                _error = problem;
                return;
            }
            await OnSaved.InvokeAsync(_enabled
                ? $"Saved. When your balance falls below {threshold.Value.Format()}, {amount.Value.Format()} is added automatically."
                : "Saved. Auto-recharge is off.");
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Saving auto-recharge of account {AccountId} failed", AccountId);
            _error = "We couldn't save your settings just now. Please try again.";
        }
        finally
        {
            _saving = false;
        }
    }
}
