using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>The current UTC month's figures from <see cref="UsageQueries.GetSummaryAsync"/>: total cost (from the
/// ledger), API calls and total tokens (from the usage rollups).</summary>
public partial class SummaryCards : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private bool _failed;
    private BillingMonth _month;

    [Inject] private UsageQueries Usage { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<SummaryCards> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Kept from the prerender so the interactive render shows it without querying again.</summary>
    [PersistentState] public SummaryState? Loaded { get; set; }

    private string MonthLabel => new DateTime(_month.Year, _month.Month, 1).ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-US"));

    protected override async Task OnParametersSetAsync()
    {
        _month = BillingMonth.Of(Clock.GetUtcNow().UtcDateTime);
        if (Loaded is not { } loaded || loaded.AccountId != AccountId || loaded.Month != _month.ToString())
            await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _failed = false;
        Loaded = null;
        try
        {
            var summary = await Usage.GetSummaryAsync(AccountId, _month, _cts.Token);
            Loaded = new SummaryState(AccountId, _month.ToString(), summary.TotalCost, summary.ApiCalls, summary.TotalTokens);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the monthly summary of account {AccountId} failed.", AccountId);
            _failed = true;
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>The figures of <paramref name="Month"/> (YYYY-MM) for <paramref name="AccountId"/>, as
    /// <see cref="UsageSummary"/> has them.</summary>
    public sealed record SummaryState(long AccountId, string Month, Money TotalCost, long ApiCalls, long TotalTokens);
}
