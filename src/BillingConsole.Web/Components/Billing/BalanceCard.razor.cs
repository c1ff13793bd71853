using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The account's balance as a big number, with the amount currently held for calls in progress.</summary>
public partial class BalanceCard : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private bool _loading;
    private bool _failed;

    [Inject] private LedgerQueries Ledger { get; set; } = default!;
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
        _loading = true;
        _failed = false;
        Loaded = null;
        try
        {
            var view = await Ledger.GetBalanceAsync(AccountId, _cts.Token);
            Loaded = new BalanceState(AccountId, view);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the balance of account {AccountId} failed.", AccountId);
            _failed = true;
        }
        finally
        {
            _loading = false;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>The balance of <paramref name="AccountId"/>, or null when there is no such account.</summary>
    public sealed record BalanceState(long AccountId, BalanceView? Balance);
}
