using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Usage;
using BillingConsole.Web.Components.Billing;
using Microsoft.AspNetCore.Components;

namespace BillingConsole.Web.Components.Usage;

/// <summary>
/// The Usage tab: a period (<see cref="UsagePeriods"/>), a "group by" choice (<see cref="UsageFormat.Dimensions"/>),
/// charts of spend per day, cost by model and cost by provider, and the table of <see cref="UsageQueries.GetUsageAsync"/>
/// rows for the chosen grouping. The charts come from one query grouped by day, model and provider, summed here exactly
/// in nano-dollars; the table is the service's rows as they are. Grouping by tag or type adds a chart of cost by tag or
/// by type, summed from the table's rows (which already hold those dimensions, so no third query).
/// </summary>
public partial class UsageTab : IDisposable
{
    /// <summary>What the charts are drawn from.</summary>
    public const UsageDimensions ChartDimensions = UsageDimensions.Day | UsageDimensions.Model | UsageDimensions.Provider;

    private readonly CancellationTokenSource _cts = new();
    private UsagePeriod _period = UsagePeriod.Last30Days;
    private IReadOnlyCollection<UsageGroup> _groups = UsageFormat.DefaultGroups;
    private UsageRange _range;
    private bool _loading;
    private string? _error;
    private int _version;
    private IReadOnlyDictionary<long, string> _keyNames = new Dictionary<long, string>();
    private bool _keysLoaded;

    [Inject] private UsageQueries Usage { get; set; } = default!;
    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private Accounting.Catalog.PriceCatalog Catalog { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ILogger<UsageTab> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>What is shown, kept from the prerender so the interactive render shows it without querying again.</summary>
    [PersistentState] public UsageState? Loaded { get; set; }

    /// <summary>The period and grouping chosen, kept when the circuit is paused or evicted so that resuming it (on any
    /// instance) shows the same choice; null while they are the defaults. Not taken from a prerender, which has none.</summary>
    [PersistentState(RestoreBehavior = RestoreBehavior.SkipInitialValue)] public UsageChoice? Choice { get; set; }

    private UsageDimensions TableDimensions => UsageFormat.Dimensions(_groups);

    private string GroupsCaption => _groups.Count == 0
        ? "Totals for the period"
        : "By " + string.Join(", ", UsageFormat.Groups.Where(_groups.Contains).Select(g => UsageFormat.Label(g).ToLowerInvariant()))
            .Replace("api key", "API key", StringComparison.Ordinal);

    /// <summary>The select's text for the chosen groups (the select passes their enum names).</summary>
    private static string GroupsText(IReadOnlyList<string> names) =>
        string.Join(", ", UsageFormat.Groups.Where(g => names.Contains(g.ToString())).Select(UsageFormat.Label));

    protected override async Task OnParametersSetAsync()
    {
        if (Choice is { } choice && choice.AccountId == AccountId && Enum.IsDefined(choice.Period))
        {
            _period = choice.Period;
            _groups = [.. UsageFormat.Groups.Where(choice.Groups.Contains)];
        }
        _range = UsagePeriods.RangeOf(_period, Clock.GetUtcNow().UtcDateTime);
        if (Loaded is { } loaded && loaded.AccountId == AccountId && loaded.From == _range.From && loaded.To == _range.To
            && loaded.Dimensions == TableDimensions)
        {
            await LoadKeyNamesAsync();
            return;
        }
        await LoadAsync();
    }

    private async Task OnPeriodChangedAsync(UsagePeriod period)
    {
        _period = period;
        _range = UsagePeriods.RangeOf(period, Clock.GetUtcNow().UtcDateTime);
        RememberChoice();
        await LoadAsync();
    }

    private async Task OnGroupsChangedAsync(IReadOnlyCollection<UsageGroup>? groups)
    {
        _groups = groups is null ? [] : [.. UsageFormat.Groups.Where(groups.Contains)];
        RememberChoice();
        await LoadAsync();
    }

    private void RememberChoice() =>
        Choice = _period == UsagePeriod.Last30Days && _groups.SequenceEqual(UsageFormat.DefaultGroups)
            ? null
            : new UsageChoice(AccountId, _period, [.. _groups]);

    /// <summary>Loads the charts' and the table's rows; a newer load supersedes one still running.</summary>
    private async Task LoadAsync()
    {
        var version = ++_version;
        var (range, dimensions) = (_range, TableDimensions);
        _loading = true;
        _error = null;
        try
        {
            var chartTask = Usage.GetUsageAsync(AccountId, range.From, range.To, ChartDimensions, _cts.Token);
            var tableTask = Usage.GetUsageAsync(AccountId, range.From, range.To, dimensions, _cts.Token);
            var keysTask = LoadKeyNamesAsync();
            var chartRows = await chartTask;
            var tableRows = await tableTask;
            await keysTask;
            if (version != _version)
                return;
            Loaded = UsageState.Create(AccountId, range, dimensions, chartRows, tableRows, Catalog, _groups.Contains(UsageGroup.Type));
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            if (version != _version)
                return;
            Logger.LogError(e, "Loading the usage of account {AccountId} failed.", AccountId);
            Loaded = null;
            _error = "We couldn't load your usage just now. Your calls and balance are unaffected; please try again.";
        }
        finally
        {
            if (version == _version)
                _loading = false;
        }
    }

    /// <summary>Key names for the key column ("Production · bc_live_ab12"); the table falls back to "Key #id".</summary>
    private async Task LoadKeyNamesAsync()
    {
        if (_keysLoaded)
            return;
        try
        {
            var keys = await Keys.ListAsync(AccountId, _cts.Token);
            _keyNames = keys.ToDictionary(k => k.Id, k => $"{k.Name} · {k.Prefix}");
            _keysLoaded = true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_cts.IsCancellationRequested)
        {
            Logger.LogWarning(e, "Loading the key names of account {AccountId} failed; the usage table shows key ids.", AccountId);
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}

/// <summary>What <see cref="UsageTab.Choice"/> keeps: small, and nothing secret.</summary>
public sealed record UsageChoice(long AccountId, UsagePeriod Period, UsageGroup[] Groups);

/// <summary>The Usage tab's data for one account, range and table grouping.</summary>
/// <param name="Days">Every day of the range with its cost (zero when there were no calls).</param>
/// <param name="ByModel">Cost per model (display names), largest first, the tail as "Other".</param>
/// <param name="ByProvider">Cost per provider, largest first, the tail as "Other".</param>
/// <param name="Rows">The table: <see cref="UsageQueries.GetUsageAsync"/> with <paramref name="Dimensions"/>, as returned.</param>
/// <param name="ByTag">Cost per tag (untagged calls as <see cref="UsageFormat.NoTag"/>) when the table is grouped by tag, else null.</param>
/// <param name="ByType">Cost per model type when the type was chosen as a grouping, else null.</param>
public sealed record UsageState(long AccountId, DateOnly From, DateOnly To, UsageDimensions Dimensions, long Calls, long Tokens, Money Cost,
    IReadOnlyList<DailyCost> Days, IReadOnlyList<CostSlice> ByModel, IReadOnlyList<CostSlice> ByProvider, IReadOnlyList<UsageRow> Rows,
    IReadOnlyList<CostSlice>? ByTag = null, IReadOnlyList<CostSlice>? ByType = null)
{
    /// <summary>No settled call in the range.</summary>
    public bool IsEmpty => Calls == 0 && Cost.Units == 0;

    public static UsageState Create(long accountId, UsageRange range, UsageDimensions dimensions, IReadOnlyList<UsageRow> chartRows,
        IReadOnlyList<UsageRow> tableRows, Accounting.Catalog.PriceCatalog catalog, bool typeChart = false)
    {
        var perDay = chartRows.Where(r => r.Date is not null).GroupBy(r => r.Date!.Value)
            .ToDictionary(g => g.Key, g => g.Aggregate(Money.Zero, (sum, r) => sum + r.Cost));
        var days = range.Dates().Select(d => new DailyCost(d, perDay.GetValueOrDefault(d, Money.Zero))).ToList();
        var byModel = UsageCharts.Top(chartRows.GroupBy(r => r.Model)
            .Select(g => new CostSlice(UsageFormat.Model(g.Key, catalog), g.Aggregate(Money.Zero, (sum, r) => sum + r.Cost))));
        var byProvider = UsageCharts.Top(chartRows.GroupBy(r => r.Provider)
            .Select(g => new CostSlice(UsageFormat.Provider(g.Key), g.Aggregate(Money.Zero, (sum, r) => sum + r.Cost))));
        var byTag = dimensions.HasFlag(UsageDimensions.Tag)
            ? UsageCharts.Top(tableRows.GroupBy(r => r.Tag)
                .Select(g => new CostSlice(UsageFormat.Tag(g.Key), g.Aggregate(Money.Zero, (sum, r) => sum + r.Cost))))
            : null;
        var byType = typeChart && dimensions.HasFlag(UsageDimensions.Type)
            ? UsageCharts.Top(tableRows.GroupBy(r => r.Type)
                .Select(g => new CostSlice(UsageFormat.Type(g.Key), g.Aggregate(Money.Zero, (sum, r) => sum + r.Cost))))
            : null;
        return new UsageState(accountId, range.From, range.To, dimensions,
            chartRows.Sum(r => r.Calls), chartRows.Sum(r => r.Tokens), chartRows.Aggregate(Money.Zero, (sum, r) => sum + r.Cost),
            days, byModel, byProvider, [.. tableRows], byTag, byType);
    }
}
