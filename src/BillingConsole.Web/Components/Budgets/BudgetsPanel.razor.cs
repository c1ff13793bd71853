using BillingConsole.Accounting.Budgets;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace BillingConsole.Web.Components.Budgets;

/// <summary>
/// An account's budgets with this period's spend (a bar of spent against the amount and the reset time), and the form
/// that adds one, and an inline form per row that changes a budget's amount. Each write re-checks the role (<see cref="AccountGate"/>): owners set the account's budgets,
/// developers and owners a key's; the admin console shows the panel for any account.
/// </summary>
public partial class BudgetsPanel : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<BudgetView>? _budgets;
    private IReadOnlyList<ApiKeyView> _keys = [];
    private string? _error;
    private string? _formError;
    private long _scope;
    private string _period = BudgetPeriods.Monthly;
    private string? _amount;
    private BudgetView? _editing;
    private string? _editAmount;
    private string? _editError;
    private bool _saving;

    private const string AmountHint = "Enter the amount in USD, e.g. 25 or 12.50.";

    /// <summary>The account whose budgets are shown.</summary>
    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Who adds budgets here (stored as the budget's creator).</summary>
    [Parameter, EditorRequired] public string Actor { get; set; } = "";

    /// <summary>Whether the form offers the account's own budget (owners, admins).</summary>
    [Parameter] public bool CanSetAccountBudgets { get; set; }

    /// <summary>Whether the form offers key budgets (developers, owners, admins).</summary>
    [Parameter] public bool CanSetKeyBudgets { get; set; }

    [Inject] private BudgetService Budgets { get; set; } = default!;
    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private AccountGate Gate { get; set; } = default!;
    [Inject] private ILogger<BudgetsPanel> Logger { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        if (!CanSetAccountBudgets && _scope == 0)
            _scope = -1;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _budgets = await Budgets.ListAsync(AccountId, _cts.Token);
            _keys = [.. (await Keys.ListAsync(AccountId, _cts.Token)).Where(k => k.RevokedAt is null)];
            if (_scope == -1 && _keys.Count > 0)
                _scope = _keys[0].Id;
            _error = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogError(e, "Loading the budgets of account {AccountId} failed.", AccountId);
            _error = "We couldn't load the budgets just now; please try again.";
        }
    }

    private static MudBlazor.InputMode DecimalInput => MudBlazor.InputMode.@decimal;

    private static string Label(string period) => char.ToUpperInvariant(period[0]) + period[1..];

    private static string Scope(BudgetView b) => b.ApiKeyId is null ? "Whole account" : $"Key \"{b.KeyName ?? $"#{b.ApiKeyId}"}\"";

    private bool CanChange(BudgetView b) => b.ApiKeyId is null ? CanSetAccountBudgets : CanSetKeyBudgets;

    private static CustomerAction ActionFor(long? keyId) => keyId is null ? CustomerAction.ManagePaymentSettings : CustomerAction.ManageKeys;

    private async Task AddAsync()
    {
        long? keyId = _scope > 0 ? _scope : null;
        if (_scope < 0)
        {
            _formError = "Choose what the budget applies to.";
            return;
        }
        if (!TryParseAmount(_amount, out var amount))
        {
            _formError = AmountHint;
            return;
        }
        if ((_formError = await Gate.RefusalAsync(AccountId, ActionFor(keyId), _cts.Token)) is not null)
            return;
        var result = await Budgets.CreateAsync(AccountId, keyId, amount, _period, Actor, _cts.Token);
        _formError = result.Message;
        if (result.Succeeded)
            _amount = null;
        await LoadAsync();
    }

    // Exact decimal parsing (Money never goes through floating point); the same rule for adding and changing a budget.
    private static bool TryParseAmount(string? text, out Money amount) =>
        Money.TryParse(text?.Trim().TrimStart('$'), out amount) && amount.Units > 0;

    private void StartEditing(BudgetView b)
    {
        _editing = b;
        _editAmount = b.Amount.Format().TrimStart('$');
        _editError = null;
    }

    private void CancelEditing()
    {
        if (_saving)
            return;
        _editing = null;
        _editError = null;
    }

    private void EditKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
            CancelEditing();
    }

    private async Task SaveAmountAsync()
    {
        // A second Enter while the first save runs must not write twice.
        if (_saving || _editing is not { } b)
            return;
        if (!TryParseAmount(_editAmount, out var amount))
        {
            _editError = AmountHint;
            return;
        }
        _saving = true;
        _editError = null;
        try
        {
            if ((_editError = await Gate.RefusalAsync(AccountId, ActionFor(b.ApiKeyId), _cts.Token)) is not null)
                return;
            var result = await Budgets.UpdateAsync(AccountId, b.Id, amount, _cts.Token);
            if (result.Succeeded)
                _editing = null;
            else
                _editError = result.Error == BudgetError.NotFound ? "This budget no longer exists: it may have been deleted." : result.Message;
            await LoadAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogError(e, "Changing budget {BudgetId} of account {AccountId} failed.", b.Id, AccountId);
            _editError = "We couldn't change the amount just now; please try again.";
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task DeleteAsync(BudgetView b)
    {
        if ((_formError = await Gate.RefusalAsync(AccountId, ActionFor(b.ApiKeyId), _cts.Token)) is not null)
            return;
        var result = await Budgets.DeleteAsync(AccountId, b.Id, _cts.Token);
        _formError = result.Message;
        await LoadAsync();
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
