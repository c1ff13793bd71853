using System.Globalization;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Components.Markup;
using BillingConsole.Web.Components.Usage;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Billing;

/// <summary>Total spend, market rate and what the customer saved over a period they pick (<see cref="UsagePeriods"/>),
/// summed exactly from <see cref="UsageQueries.GetUsageAsync"/> (see <see cref="Savings.Compute"/>).</summary>
public partial class SavingsCard : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private UsagePeriod _period = UsagePeriod.ThisMonth;
    private UsageRange _range;
    private bool _loading;
    private string? _error;

    [Inject] private UsageQueries Usage { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<SavingsCard> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>Kept from the prerender so the interactive render shows it without querying again.</summary>
    [PersistentState] public Savings? Loaded { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _range = UsagePeriods.RangeOf(_period, Clock.GetUtcNow().UtcDateTime);
        if (Loaded is not { } loaded || loaded.AccountId != AccountId || loaded.From != _range.From || loaded.To != _range.To)
            await LoadAsync();
    }

    private static readonly MarkupString DropDownArrow =
        Glyph.Svg(MudBlazor.Icons.Material.Filled.ArrowDropDown, "medium", "mud-icon-default mud-input-adornment-icon");

    /// <summary>The select's value is the period's name; anything else (a forged event) is ignored.</summary>
    private async Task OnPeriodSelectedAsync(ChangeEventArgs e)
    {
        if (Enum.TryParse<UsagePeriod>(e.Value as string, ignoreCase: false, out var period) && Enum.IsDefined(period) && period != _period)
            await OnPeriodChangedAsync(period);
    }

    private async Task OnPeriodChangedAsync(UsagePeriod period)
    {
        _period = period;
        _range = UsagePeriods.RangeOf(period, Clock.GetUtcNow().UtcDateTime);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _error = null;
        try
        {
            var rows = await Usage.GetUsageAsync(AccountId, _range.From, _range.To, UsageDimensions.None, _cts.Token);
            Loaded = Savings.Compute(AccountId, _range, rows);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the savings of account {AccountId} failed.", AccountId);
            Loaded = null;
            _error = "We couldn't load your savings just now.";
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>The cost bar's width: spend as a share of the market rate (layout only; the figures are exact text).</summary>
    private static string BarStyle(Savings s)
    {
        var share = s.MarketCost.Units == 0 ? 0m : Math.Clamp(s.Cost.Units * 100m / s.MarketCost.Units, 0m, 100m);
        return $"width: {share.ToString("0.##", CultureInfo.InvariantCulture)}%";
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}

/// <summary>What the calls of a period cost and would have cost at the providers' list prices.</summary>
/// <param name="Cost">Σ cost of the usage rollups in the period: what the settled calls cost.</param>
/// <param name="MarketCost">Σ market cost of the same rollups.</param>
/// <param name="Saved">MarketCost − Cost.</param>
/// <param name="SavedPercent">Saved / MarketCost × 100, rounded to 1 decimal (away from zero); null when MarketCost is 0.</param>
public sealed record Savings(long AccountId, DateOnly From, DateOnly To, Money Cost, Money MarketCost, Money Saved, decimal? SavedPercent)
{
    /// <summary>Sums <paramref name="rows"/> exactly in nano-dollars.</summary>
    public static Savings Compute(long accountId, UsageRange range, IEnumerable<UsageRow> rows)
    {
        var cost = Money.Zero;
        var market = Money.Zero;
        foreach (var row in rows)
        {
            cost += row.Cost;
            market += row.MarketCost;
        }
        var saved = market - cost;
        decimal? pct = market.Units == 0 ? null : Math.Round(saved.Units * 100m / market.Units, 1, MidpointRounding.AwayFromZero);
        return new Savings(accountId, range.From, range.To, cost, market, saved, pct);
    }
}
