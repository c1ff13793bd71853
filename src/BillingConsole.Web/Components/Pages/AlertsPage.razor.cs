using BillingConsole.Accounting.Budgets;
using System.Globalization;
using System.Security.Claims;
using BillingConsole.Accounting.Alerts;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Alerts;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BillingConsole.Web.Components.Pages;

/// <summary>
/// The account's alert rules with their state and the alert history (every member), and for owners the rule form,
/// webhook endpoints and deliveries (with replay). Every write re-checks the owner's role (<see cref="AccountGate"/>).
/// The lists refresh every few seconds, so an alert the background evaluator fires shows without a reload.
/// </summary>
public partial class AlertsPage : IDisposable
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _cts = new();
    private long? _accountId;
    private string _actor = "";
    private bool _canManage;
    private bool _resolved;
    private string? _error;
    private IReadOnlyList<AlertRule>? _rules;
    private IReadOnlyList<AlertEvent>? _events;
    private IReadOnlyList<WebhookEndpointView> _endpoints = [];
    private IReadOnlyList<DeliveryView> _deliveries = [];
    private IReadOnlyList<ApiKeyView> _keys = [];
    private IReadOnlyList<BudgetView> _budgets = [];
    private long? _budgetId;
    private string _kind = AlertKinds.BalanceBelow;
    private string? _threshold;
    private long? _keyId;
    private string? _ruleError;
    private string? _url;
    private string? _secret;
    private string? _endpointError;

    [Inject] private AlertRules Rules { get; set; } = default!;
    [Inject] private AlertEvaluator Evaluator { get; set; } = default!;
    [Inject] private WebhookEndpoints Endpoints { get; set; } = default!;
    [Inject] private OutboxDelivery Delivery { get; set; } = default!;
    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private BudgetService Budgets { get; set; } = default!;
    [Inject] private AccountGate Gate { get; set; } = default!;
    [Inject] private ILogger<AlertsPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private string? ThresholdLabel => _kind switch
    {
        AlertKinds.BalanceBelow => "Balance below (USD)",
        AlertKinds.RunwayBelow => "Runway under (days)",
        AlertKinds.KeyBudget => "Percent of the monthly limit",
        AlertKinds.Budget => "Percent of the budget",
        _ => null,
    };

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        _accountId = user?.GetAccountId();
        _actor = user?.GetActorName() ?? "";
        _canManage = user is not null && AccountPermissions.Allows(user, CustomerAction.ManageAlerts);
        _resolved = true;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && _accountId is not null)
            _ = RefreshLoopAsync();
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(RefreshEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_cts.Token))
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LoadAsync()
    {
        if (_accountId is not { } account)
            return;
        try
        {
            _rules = await Rules.ListAsync(account, _cts.Token);
            _events = await Rules.ListEventsAsync(account, 50, null, _cts.Token);
            if (_canManage)
            {
                _endpoints = await Endpoints.ListAsync(account, _cts.Token);
                _deliveries = await Endpoints.DeliveriesAsync(account, 50, _cts.Token);
                _keys = [.. (await Keys.ListAsync(account, _cts.Token)).Where(k => k.RevokedAt is null && k.MonthlySpendLimit is not null)];
            }
            // Every member reads the budgets, so budget rules are named for viewers too.
            _budgets = await Budgets.ListAsync(account, _cts.Token);
            _error = null;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the alerts of account {AccountId} failed.", account);
            _error = "We couldn't load the alerts just now; please try again.";
        }
    }

    private string Describe(AlertRule rule) => rule.Kind switch
    {
        AlertKinds.BalanceBelow => $"Balance below {new Money(rule.Threshold)}",
        AlertKinds.RunwayBelow => $"Runway under {rule.Threshold} days",
        AlertKinds.KeyBudget => $"Key \"{_keys.FirstOrDefault(k => k.Id == rule.SubjectId)?.Name ?? $"#{rule.SubjectId}"}\" at {rule.Threshold} % of its monthly limit",
        AlertKinds.Budget => $"{BudgetName(rule.SubjectId)} at {rule.Threshold} %",
        _ => AlertKinds.Label(rule.Kind),
    };

    private string BudgetName(long? id) => _budgets.FirstOrDefault(b => b.Id == id) is { } b
        ? $"{char.ToUpperInvariant(b.Period[0])}{b.Period[1..]} budget of {b.Amount}{(b.KeyName is { } k ? $" on key \"{k}\"" : "")}"
        : $"Budget #{id}";

    /// <summary>The threshold typed for the chosen kind, in the kind's unit; null with <paramref name="error"/> set when it does not read.</summary>
    private long? ParseThreshold(out string? error)
    {
        error = null;
        var text = _threshold?.Trim().TrimStart('$');
        switch (_kind)
        {
            case AlertKinds.BalanceBelow:
                if (Money.TryParse(text, out var money) && money.Units > 0)
                    return money.Units;
                error = "Enter the balance in USD, e.g. 25 or 12.50.";
                return null;
            case AlertKinds.RunwayBelow or AlertKinds.KeyBudget or AlertKinds.Budget:
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    return n;
                error = _kind == AlertKinds.RunwayBelow ? "Enter a whole number of days." : "Enter a whole percentage, e.g. 50, 80 or 100.";
                return null;
            default:
                return 0;
        }
    }

    private async Task AddRuleAsync()
    {
        if (_accountId is not { } account || (_ruleError = await RefusedAsync()) is not null)
            return;
        if (ParseThreshold(out var parseError) is not { } threshold)
        {
            _ruleError = parseError;
            return;
        }
        var (rule, error) = await Rules.CreateAsync(account, new NewAlertRule(_kind, threshold, _kind switch
        {
            AlertKinds.KeyBudget => _keyId,
            AlertKinds.Budget => _budgetId,
            _ => null,
        }), _actor, _cts.Token);
        _ruleError = error;
        if (rule is not null)
        {
            _threshold = null;
            // A condition that already holds fires now, not at the next evaluation.
            await Evaluator.EvaluateAsync(account, _cts.Token);
        }
        await LoadAsync();
    }

    private async Task DeleteRuleAsync(long ruleId)
    {
        if (_accountId is { } account && await RefusedAsync() is null)
            await Rules.DeleteAsync(account, ruleId, _cts.Token);
        await LoadAsync();
    }

    private async Task AddEndpointAsync()
    {
        if (_accountId is not { } account || (_endpointError = await RefusedAsync()) is not null)
            return;
        var (_, secret, error) = await Endpoints.CreateAsync(account, _url?.Trim(), _actor, _cts.Token);
        (_secret, _endpointError) = (secret, error);
        if (secret is not null)
            _url = null;
        await LoadAsync();
    }

    private async Task RotateAsync(long endpointId)
    {
        if (_accountId is not { } account || (_endpointError = await RefusedAsync()) is not null)
            return;
        _secret = await Endpoints.RotateAsync(account, endpointId, _cts.Token);
        await LoadAsync();
    }

    private async Task DeleteEndpointAsync(long endpointId)
    {
        if (_accountId is not { } account || (_endpointError = await RefusedAsync()) is not null)
            return;
        await Endpoints.DeleteAsync(account, endpointId, _cts.Token);
        _secret = null;
        await LoadAsync();
    }

    private async Task ReplayAsync(long messageId)
    {
        if (_accountId is not { } account || (_endpointError = await RefusedAsync()) is not null)
            return;
        if (!await Delivery.ReplayAsync(account, messageId, _cts.Token))
            _endpointError = "That delivery cannot be replayed: its endpoint is turned off or deleted.";
        await LoadAsync();
    }

    private Task<string?> RefusedAsync() => Gate.RefusalAsync(_accountId ?? 0, CustomerAction.ManageAlerts, _cts.Token);

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
