using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The account's balance as a big number (to the cent, the exact value on hover, focus and in the accessible
/// name), the amount held for calls in progress, the runway at the last 7 days' rate (<see cref="Runway"/>), the
/// low-balance alert level and, when the balance is below it, a warning banner.</summary>
public partial class BalanceCard : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private bool _failed;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
    [Inject] private AccountSettings Settings { get; set; } = default!;
    [Inject] private UsageQueries Usage { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<BalanceCard> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>What was loaded, kept from the prerender so the interactive render shows it without querying again.</summary>
    [PersistentState] public BalanceState? Loaded { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (Loaded?.AccountId != AccountId)
            await LoadAsync();
    }

    private Task RetryAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _failed = false;
        Loaded = null;
        try
        {
            var balanceTask = Ledger.GetBalanceAsync(AccountId, _cts.Token);
            var thresholdTask = Settings.GetLowBalanceThresholdAsync(AccountId, _cts.Token);
            var view = await balanceTask;
            var threshold = await thresholdTask;
            RunwayEstimate? runway = null;
            if (view is not null)
                runway = await EstimateRunwayAsync(view.Balance);
            Loaded = new BalanceState(AccountId, view, threshold, runway);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the balance of account {AccountId} failed.", AccountId);
            _failed = true;
        }
    }

    /// <summary>The runway (see <see cref="Runway"/>), or null when its figures could not be read: the balance still shows.</summary>
    private async Task<RunwayEstimate?> EstimateRunwayAsync(Money balance)
    {
        try
        {
            var now = Clock.GetUtcNow().UtcDateTime;
            var start = Runway.WindowStart(now);
            var usageTask = Usage.GetUsageAsync(AccountId, DateOnly.FromDateTime(start), DateOnly.FromDateTime(now), UsageDimensions.None, _cts.Token);
            var debitsTask = Ledger.SumAmountsAsync(AccountId, [.. Runway.DebitTypes], start, null, _cts.Token);
            var calls = (await usageTask).Aggregate(Money.Zero, (sum, row) => sum + row.Cost);
            var debits = -await debitsTask;
            return Runway.Estimate(balance, calls + debits, now - start);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_cts.IsCancellationRequested)
        {
            Logger.LogError(e, "Estimating the runway of account {AccountId} failed.", AccountId);
            return null;
        }
    }

    private void OnThresholdChanged(Money? threshold)
    {
        if (Loaded is not null)
            Loaded = Loaded with { Threshold = threshold };
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>The balance of <paramref name="AccountId"/> (null when there is no such account), the low-balance alert
    /// level (null when off) and the runway (null when it could not be estimated).</summary>
    public sealed record BalanceState(long AccountId, BalanceView? Balance, Money? Threshold, RunwayEstimate? Runway);
}
