using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Admin;

public partial class AdjustBalanceDialog
{
    // One id per dialog: a double click or a retry after a dropped connection posts the entry once.
    private readonly Guid _requestId = Guid.NewGuid();
    private string _type = EntryTypes.AdminCorrection;
    private string? _amountText;
    private Money _amount;
    private string? _reason;
    private string? _amountError;
    private string? _reasonError;
    private string? _error;
    private AdjustmentPreview? _preview;
    private bool _confirming;
    private bool _busy;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private AdminAdjustments Adjustments { get; set; } = default!;
    [Inject] private ILogger<AdjustBalanceDialog> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }
    [Parameter] public string AccountName { get; set; } = "";
    /// <summary>admin_correction, refund, or any grant type (the dialog then offers the three grant types).</summary>
    [Parameter, EditorRequired] public string Type { get; set; } = EntryTypes.AdminCorrection;

    private bool IsGrant => EntryCategories.Of(Type)?.Category == EntryCategory.Grant;

    private string Title => Type switch
    {
        EntryTypes.AdminCorrection => "Balance correction",
        EntryTypes.Refund => "Refund to balance",
        _ => "Grant credit",
    };

    private string AmountLabel => _type == EntryTypes.AdminCorrection ? "Amount (+ adds credit, − removes it)" : "Amount to add";

    private string AmountHelp => _type == EntryTypes.AdminCorrection
        ? "For example 25 or -12.50. Exact to the nano-dollar; nothing is rounded."
        : "For example 25 or 1,000. Exact to the nano-dollar; nothing is rounded.";

    protected override void OnInitialized() => _type = Type;

    private async Task OnAmountChangedAsync(string? text)
    {
        _amountText = text;
        _preview = null;
        if (!TryReadAmount())
            return;
        _preview = await Adjustments.PreviewAsync(AccountId, _type, _amount);
        if (_preview?.Refusal is { } refusal && _preview.Resulting == _preview.Balance)
            _amountError = refusal;
    }

    private bool TryReadAmount()
    {
        _amountError = null;
        var text = _amountText?.Replace('−', '-').Trim();
        if (string.IsNullOrEmpty(text))
        {
            _amountError = "Enter an amount.";
            return false;
        }
        if (!Money.TryParse(text, out _amount))
        {
            _amountError = "Enter a dollar amount like 25, -12.50 or 1,000 (at most 9 decimals, at most $1,000,000,000).";
            return false;
        }
        return true;
    }

    private async Task ReviewAsync()
    {
        _reasonError = AdminAdjustments.CheckReason(_reason);
        if (!TryReadAmount() | _reasonError is not null)
            return;
        _preview = await Adjustments.PreviewAsync(AccountId, _type, _amount);
        if (_preview is null)
        {
            _amountError = "The account no longer exists.";
            return;
        }
        if (_preview.Refusal is { } refusal)
        {
            _amountError = refusal;
            return;
        }
        _error = null;
        _confirming = true;
    }

    private void CancelOrBack()
    {
        if (_confirming)
            _confirming = false;
        else
            Dialog.Cancel();
    }

    private async Task PostAsync()
    {
        if (_busy)
            return;
        _busy = true;
        _error = null;
        try
        {
            if (await AdminActorAsync() is not { } actor)
                return;
            var result = await Adjustments.PostAsync(new AdjustmentRequest(_requestId, AccountId, _type, _amount, _reason ?? ""), actor);
            if (result.Value is { } posted)
                Dialog.Close(DialogResult.Ok(posted));
            else
                _error = result.Failure!.Message;
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Posting a {Type} to account {AccountId} failed", _type, AccountId);
            _error = "The entry could not be confirmed just now. Confirming again is safe: it is posted at most once.";
        }
        finally
        {
            _busy = false;
        }
    }
}
